#!/usr/bin/env bash
# Nested JWT validation by stage (jwtbench profile --jwe: RS256 inside RSA-OAEP+A256GCM, ES256
# inside ECDH-ES+A256KW+A256GCM) next to OpenSSL's own cost of the same primitives (openssl
# speed: RSA-2048 private operation and verify, ECDH P-256, ECDSA P-256 verify, AES-256-GCM at
# the plaintext's size), ROUNDS interleaved rounds, medians; prints a table and, LAST, one JSON
# line with every median and ratio. Ratio = raw sum / ours (goal >= 0.9).
#
#   bench/jwe.sh                 # 5 rounds, typical claims
#   ROUNDS=7 bench/jwe.sh
#
# The raw sum leaves out what openssl speed does not measure (OAEP unpadding, the Concat KDF's
# SHA-256, the AES key unwrap of ECDH-ES+A256KW), so it is a lower bound and the ratio is
# conservative. Needs a release build (.build-release) and the openssl command.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-5}"
BACKEND="${BACKEND:-auto}"   # the JWE cipher: auto, openssl or boringssl
. scripts/release-flags.sh
swift build -c release "${JWTBENCH_RELEASE_FLAGS[@]}" --product jwtbench --scratch-path .build-release >&2
BIN="$(swift build -c release "${JWTBENCH_RELEASE_FLAGS[@]}" --product jwtbench --scratch-path .build-release --show-bin-path)/jwtbench"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# The plaintext (the inner JWS) size, for AES-GCM's cost at that size.
"$BIN" profile --jwe --rounds 1 >"$out/probe.txt"
bytes="$(python3 -c 'import json,sys; print(max(json.loads(l)["plaintext_bytes"] for l in open(sys.argv[1]) if l.startswith("{")))' "$out/probe.txt")"
for r in $(seq 1 "$ROUNDS"); do
    echo "round $r/$ROUNDS" >&2
    "$BIN" profile --jwe --rounds 3 --crypto-backend "$BACKEND" >"$out/profile.$r.txt"
    openssl speed -seconds 1 rsa2048 ecdhp256 ecdsap256 >"$out/speed.$r.txt" 2>/dev/null
    openssl speed -seconds 1 -evp aes-256-gcm -bytes "$bytes" >"$out/gcm.$r.txt" 2>/dev/null
done
python3 - "$out" "$ROUNDS" "$bytes" <<'PY'
import json, re, statistics, sys
out, rounds, gcm_bytes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ours = {}   # case -> stage -> [ns]
raw = {"rsa2048_private": [], "rsa2048_verify": [], "ecdh_p256": [], "ecdsa_p256_verify": [], "aes256gcm_ns_per_byte": []}
for r in range(1, rounds + 1):
    for line in open(f"{out}/profile.{r}.txt"):
        if line.startswith("{"):
            o = json.loads(line)
            for k, v in o.items():
                if k.endswith(("key", "content", "signature", "claims", "rest", "validation")):
                    ours.setdefault(o["case"], {}).setdefault(k, []).append(v)
            ours[o["case"]].setdefault("plaintext_bytes", []).append(o["plaintext_bytes"])
    text = open(f"{out}/speed.{r}.txt").read()
    m = re.search(r"^rsa\s+2048 bits\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)", text, re.M)
    raw["rsa2048_private"].append(1e9 / float(m.group(1)))
    raw["rsa2048_verify"].append(1e9 / float(m.group(2)))
    m = re.search(r"^\s*256 bits ecdh \(nistp256\)\s+\S+s\s+([\d.]+)", text, re.M)
    raw["ecdh_p256"].append(1e9 / float(m.group(1)))
    m = re.search(r"^\s*256 bits ecdsa \(nistp256\)\s+\S+s\s+\S+s\s+[\d.]+\s+([\d.]+)", text, re.M)
    raw["ecdsa_p256_verify"].append(1e9 / float(m.group(1)))
    gcm = open(f"{out}/gcm.{r}.txt").read()
    m = re.search(r"^AES-256-GCM\s+([\d.]+)k", gcm, re.M)
    raw["aes256gcm_ns_per_byte"].append(1e9 / (float(m.group(1)) * 1000))
med = lambda xs: statistics.median(xs)
R = {k: med(v) for k, v in raw.items()}
result = {"rounds": rounds, "raw_ns": R, "cases": {}}
print(f"nested JWT validation by stage, median of {rounds} interleaved rounds (ns per validation, 1 thread)")
for case, stages in ours.items():
    S = {k: med(v) for k, v in stages.items()}
    pt = S.pop("plaintext_bytes")
    gcm = R["aes256gcm_ns_per_byte"] * pt
    if case.startswith("RS256"):
        parts = {"decrypt_key": R["rsa2048_private"], "decrypt_content": gcm, "inner_signature": R["rsa2048_verify"]}
    else:
        parts = {"decrypt_key": R["ecdh_p256"], "decrypt_content": gcm, "inner_signature": R["ecdsa_p256_verify"]}
    raw_sum = sum(parts.values())
    ratio = raw_sum / S["whole_validation"]
    print(f"\n{case} (plaintext {pt:.0f} B)")
    print(f"  {'stage':18} {'ours':>10} {'raw openssl':>12} {'raw/ours':>9}")
    for k in ["decrypt_key", "decrypt_content", "inner_signature", "inner_claims", "jwe_rest", "whole_validation"]:
        rv = parts.get(k, raw_sum if k == "whole_validation" else None)
        print(f"  {k:18} {S[k]:10.0f} {('%.0f' % rv) if rv is not None else '-':>12} {('%.2f' % (rv / S[k])) if rv and S[k] else '-':>9}")
    print(f"  raw sum / ours: {ratio:.2f} (goal >= 0.9)")
    result["cases"][case] = {"ours_ns": S, "raw_ns": parts, "raw_sum_ns": raw_sum, "ratio": ratio}
print(json.dumps(result, sort_keys=True))
PY
