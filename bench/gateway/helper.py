#!/usr/bin/env python3
"""bench/gateway.sh's helpers: the steps that would be awkward in bash.

    helper.py ports N                          N free loopback ports, one a line
    helper.py allowed TOKENS EXPECTED          the tokens whose expectation is allow
    helper.py tamper TOKEN                     the token with one signature bit flipped
    helper.py policy-values POLICY_YAML        "ISSUER AUDIENCE" of a minted policy
    helper.py exp TOKEN                        the token's exp (seconds since the epoch)
    helper.py rsa-keys JWKS OUT_JWKS OUT_DIR   the public RS256 keys (a JWK Set) and, per
                                               key, OUT_DIR/<kid>.genconf for openssl
                                               asn1parse (its DER public key)
    helper.py wrk-summary WRK_OUTPUT           "N req/s, p99 X ms, N errors"
    helper.py report RAW_DIR OUT_MD            the Markdown table and the goals from the
                                               wrk outputs and the facts the script wrote

Only the standard library: the script must run on a fresh Debian with python3.
"""

import base64
import json
import re
import socket
import statistics
import sys
from pathlib import Path


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def ports(count):
    # All sockets stay bound until every port is known, so no port is handed out twice;
    # the kernel never gives port 0 a port in use.
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        for s in sockets:
            print(s.getsockname()[1])
    finally:
        for s in sockets:
            s.close()


def allowed(tokens_path, expected_path):
    tokens = Path(tokens_path).read_text().splitlines()
    expected = Path(expected_path).read_text().splitlines()
    if len(tokens) != len(expected):
        sys.exit(f"{tokens_path} has {len(tokens)} lines, {expected_path} {len(expected)}")
    for token, line in zip(tokens, expected):
        if json.loads(line)["expect"]["decision"] == "allow":
            print(token)


def tamper(token):
    header, payload, signature = token.split(".")
    raw = bytearray(b64url_decode(signature))
    raw[len(raw) // 2] ^= 0x01
    print(".".join([header, payload, base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")]))


def policy_values(path):
    # The minted policy is our own, simple YAML: the first `- value:` under `issuer:` and
    # under `audience:`. No YAML library on a fresh machine, so read it by its lines.
    section, found = None, {}
    for line in Path(path).read_text().splitlines():
        if re.match(r"^\S", line):
            section = line.rstrip(":").strip()
        match = re.match(r'^\s*-\s*value:\s*"?([^"]+)"?\s*$', line)
        if match and section in ("issuer", "audience") and section not in found:
            found[section] = match.group(1)
    if set(found) != {"issuer", "audience"}:
        sys.exit(f"{path}: no issuer or audience allow_list value")
    print(found["issuer"], found["audience"])


def exp(token):
    print(json.loads(b64url_decode(token.split(".")[1]))["exp"])


def rsa_keys(jwks_path, out_jwks, out_dir):
    # The keys an RS256 token can name: RSA keys pinned to RS256 or to no algorithm. Only
    # the public members: Apache fetches this file, and the gateway reads the same one.
    keys = []
    for key in json.loads(Path(jwks_path).read_text())["keys"]:
        if key.get("kty") == "RSA" and key.get("alg", "RS256") == "RS256" and "kid" in key:
            keys.append({name: key[name] for name in ("kty", "kid", "use", "alg", "n", "e") if name in key})
    if not keys:
        sys.exit(f"{jwks_path}: no RS256 key")
    Path(out_jwks).write_text(json.dumps({"keys": keys}, indent=1) + "\n")
    for key in keys:
        # An X.509 SubjectPublicKeyInfo for openssl asn1parse -genconf: mod_auth_openidc's
        # OIDCOAuthVerifyCertFiles wants a certificate, and openssl makes one from this.
        n = b64url_decode(key["n"]).hex()
        e = b64url_decode(key["e"]).hex()
        Path(out_dir, key["kid"] + ".genconf").write_text(
            "asn1=SEQUENCE:spki\n[spki]\nalgorithm=SEQUENCE:alg\nkey=BITWRAP,SEQUENCE:rsakey\n"
            "[alg]\noid=OID:rsaEncryption\nparams=NULL\n"
            f"[rsakey]\nn=INTEGER:0x{n}\ne=INTEGER:0x{e}\n")
        print(key["kid"])


# --- report ---------------------------------------------------------------------------

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def parse_wrk(text):
    """requests/s, p99 in ms, and the count of errors wrk reports (non-2xx, socket)."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m|h)\s*$", text, re.M)
    if not rps or not p99:
        return None
    errors = 0
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if non2xx:
        errors += int(non2xx.group(1))
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if sock:
        errors += sum(int(x) for x in sock.groups())
    return {"rps": float(rps.group(1)), "p99": float(p99.group(1)) * UNITS[p99.group(2)], "errors": errors}


def fmt_rps(value):
    return f"{value:,.0f}"


def fmt_ms(value):
    return f"{value:.2f} ms" if value < 100 else f"{value:.0f} ms"


def fmt_ratio(value):
    return "n/a" if value is None else f"{value:.2f}"


def read_tsv(path):
    path = Path(path)
    if not path.exists():
        return []
    return [line.split("\t") for line in path.read_text().splitlines() if line]


def report(raw_dir, out_md):
    """The table from RAW_DIR: wrk outputs r<round>-t<threads>-<cell>.txt and the facts the
    script wrote as TSV (bash writes those more easily than JSON): meta.tsv (key, value),
    cells.tsv (id, name, what), unavailable.tsv (id, why), cpu.tsv (round, threads, cell,
    cores), rss.tsv (gateway, threads, after start, after its cells, peak), setup.md."""
    raw = Path(raw_dir)
    meta = {row[0]: row[1] for row in read_tsv(raw / "meta.tsv")}
    cells = [{"id": r[0], "name": r[1], "what": r[2]} for r in read_tsv(raw / "cells.tsv")]
    unavailable = {r[0]: r[1] for r in read_tsv(raw / "unavailable.tsv")}
    threads = [int(t) for t in meta["threads"].split(",")]
    cpu = {}
    for rnd, t, cell, cores in read_tsv(raw / "cpu.tsv"):
        cpu.setdefault((cell, int(t)), []).append(float(cores))
    samples = {}  # (cell, threads) -> {round: parsed}
    for path in sorted(raw.glob("r*-t*-*.txt")):
        match = re.match(r"r(\d+)-t(\d+)-(\w+)\.txt$", path.name)
        if not match:
            continue
        parsed = parse_wrk(path.read_text()) or {"rps": None, "p99": None, "errors": None}
        samples.setdefault((match.group(3), int(match.group(2))), {})[int(match.group(1))] = parsed

    def median_of(cell, t, key):
        values = [s[key] for s in samples.get((cell, t), {}).values() if s[key] is not None]
        return statistics.median(values) if values else None

    def ratio(cell, base, t):
        # The median over rounds of the ratio within a round (bench/NOTES.md's method):
        # the cells of one round ran seconds apart, so drift between rounds cancels out.
        a, b = samples.get((cell, t), {}), samples.get((base, t), {})
        values = [a[r]["rps"] / b[r]["rps"] for r in a if r in b and a[r]["rps"] and b[r]["rps"]]
        return statistics.median(values) if values else None

    bad = []
    for (cell, t), rounds in sorted(samples.items()):
        for rnd, s in sorted(rounds.items()):
            if s["errors"] is None:
                bad.append(f"{cell}, {t} thread(s), round {rnd}: no figures in wrk's output")
            elif s["errors"]:
                bad.append(f"{cell}, {t} thread(s), round {rnd}: {s['errors']} non-2xx responses or socket errors")

    ours = ("c3", "c4")
    lines = ["| cell | threads | req/s (median) | p99 (median) | / cell 2 | / cell 5 | server CPU (cores) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for t in threads:
        for c in cells:
            cid = c["id"]
            if cid in unavailable:
                lines.append(f"| {c['name']} | {t} | unavailable | | | | |")
                continue
            rps, p99 = median_of(cid, t, "rps"), median_of(cid, t, "p99")
            if rps is None:
                lines.append(f"| {c['name']} | {t} | no data | | | | |")
                continue
            to2 = fmt_ratio(1.0 if cid == "c2" else ratio(cid, "c2", t))
            has5 = any(c5["id"] == "c5" for c5 in cells) and "c5" not in unavailable
            to5 = fmt_ratio(ratio(cid, "c5", t)) if cid in ours and has5 else ""
            cores = cpu.get((cid, t))
            cores_text = f"{statistics.median(cores):.2f}" if cores else ""
            lines.append(f"| {c['name']} | {t} | {fmt_rps(rps)} | {fmt_ms(p99)} | {to2} | {to5} | {cores_text} |")

    goals = ["| goal | threads | ratio | threshold | met |", "|---|---:|---:|---:|---|"]
    checks = [
        ("c4", "c2", 0.9, "(4) gateway, repeated tokens, token cache >= 0.9 x (2) nginx proxy"),
        ("c3", "c2", 0.6, "(3) gateway, distinct tokens >= 0.6 x (2) nginx proxy"),
        ("c3", "c5", 2.0, "(3) gateway, distinct tokens >= 2 x (5) Apache mod_auth_openidc, static keys"),
        ("c3", "c5j", 2.0, "(3) gateway, distinct tokens >= 2 x (5j) Apache mod_auth_openidc, JWKS URI (for information)"),
    ]
    measured = {c["id"] for c in cells}
    for t in threads:
        for cell, base, threshold, text in checks:
            if cell not in measured or base not in measured:
                continue
            if cell in unavailable or base in unavailable:
                why = "; ".join(unavailable[x] for x in (cell, base) if x in unavailable)
                goals.append(f"| {text} | {t} | | {threshold} | unavailable: {why} |")
                continue
            value = ratio(cell, base, t)
            verdict = "no data" if value is None else ("yes" if value >= threshold else "NO")
            goals.append(f"| {text} | {t} | {fmt_ratio(value)} | {threshold} | {verdict} |")

    out = [f"# jwtbench gateway against nginx and Apache on loopback ({meta.get('started', '?')})", ""]
    setup = raw / "setup.md"
    if setup.exists():
        out += [setup.read_text().strip(), ""]
    out += lines + ["", "Cells:"]
    for c in cells:
        extra = f" **Unavailable:** {unavailable[c['id']]}" if c["id"] in unavailable else ""
        out.append(f"- {c['name']}: {c['what']}{extra}")
    out += ["", "## Goals", "", *goals, ""]
    rss = read_tsv(raw / "rss.tsv")
    if rss:
        out += ["## Gateway memory (VmRSS, /proc/PID/status)", "",
                "| gateway | threads | after start | after its cells | peak (VmHWM) |", "|---|---:|---:|---:|---:|"]
        out += [f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} |" for r in rss]
        out.append("")
    if bad:
        out += ["## Samples with errors (their cells are not to be trusted)", ""]
        out += [f"- {line}" for line in bad]
        out.append("")
    out += [f"Load average (1, 5, 15 min) at the start: {meta.get('load_start', '?')}; at the end: "
            f"{meta.get('load_end', '?')}.", ""]
    Path(out_md).write_text("\n".join(out))
    print("\n".join(out))
    # The goals are reported, not enforced (a shared, noisy VM); errors in a sample are.
    return 1 if bad else 0


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    command, args = argv[1], argv[2:]
    if command == "ports" and len(args) == 1:
        ports(int(args[0]))
    elif command == "allowed" and len(args) == 2:
        allowed(*args)
    elif command == "tamper" and len(args) == 1:
        tamper(args[0])
    elif command == "policy-values" and len(args) == 1:
        policy_values(args[0])
    elif command == "exp" and len(args) == 1:
        exp(args[0])
    elif command == "rsa-keys" and len(args) == 3:
        rsa_keys(*args)
    elif command == "wrk-summary" and len(args) == 1:
        parsed = parse_wrk(Path(args[0]).read_text())
        print("no figures in wrk's output" if parsed is None else
              f"{fmt_rps(parsed['rps'])} req/s, p99 {fmt_ms(parsed['p99'])}, {parsed['errors']} errors")
    elif command == "report" and len(args) == 2:
        return report(*args)
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
