#!/usr/bin/env bash
# `jwtbench conform --target` against Apache httpd with mod_auth_openidc, configured by
# `jwtbench target-config --gateway apache-openidc`, on loopback, from nothing running:
# mints the catalogue, serves its public keys over https (python3's ssl, a throwaway
# certificate Apache is told to trust), writes and starts Apache in front of the echo upstream
# that conform starts, and runs the catalogue's `standard` cases against it (`generic`
# profile: a denial is any 401 or 403). The differences are on the expected-failure list
# vectors/expected-failures-apache-openidc.json, each with why; conform fails on any other
# difference and on a listed case that passes. Prints the table of passes and expected
# differences (Markdown) and exits with conform's status.
#
# Usage: scripts/conform-apache.sh [OUT_DIR]   (the config, logs, JSON and table land there)
# Installs apache2 and libapache2-mod-auth-openidc when missing (as root; else says how).
# JWTBENCH_BIN names the binary; without it the debug build is built and used.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
missing=()
[[ -x /usr/sbin/apache2 ]] || missing+=(apache2)
[[ -f /usr/lib/apache2/modules/mod_auth_openidc.so ]] || missing+=(libapache2-mod-auth-openidc)
command -v openssl >/dev/null || missing+=(openssl)
if ((${#missing[@]})); then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        echo "conform-apache: installing ${missing[*]}" >&2
        # The packages' own service would start on port 80 with /etc/apache2: keep it stopped.
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null
        rm -f /usr/sbin/policy-rc.d
    else
        echo "conform-apache: missing ${missing[*]}; install with: sudo apt-get install -y ${missing[*]}" >&2
        exit 2
    fi
fi
bin=${JWTBENCH_BIN:-}
if [[ -z $bin ]]; then
    swift build --product jwtbench >&2
    bin=$(swift build --show-bin-path)/jwtbench
fi
out=${1:-$(mktemp -d)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
# Apache's children run as www-data: they read the CA file from here.
chmod 755 "$out"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
read -r echo_port keys_port apache_port < <(python3 -c '
import socket
s = [socket.socket() for _ in range(3)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')

# The catalogue's public keys (no secrets, no private members), as an identity provider
# publishes them, over https: mod_auth_openidc fetches a JWKS over https only.
"$bin" mint --out "$out/catalogue" --variants good-plain --algs RS256 >/dev/null
mkdir -p "$out/keys"
python3 - "$out/catalogue/jwks.json" "$out/keys/jwks.json" <<'PY'
import json, sys
keys = json.load(open(sys.argv[1]))["keys"]
public = [{k: v for k, v in key.items() if k not in ("d", "p", "q", "dp", "dq", "qi", "k")} for key in keys if key["kty"] != "oct"]
json.dump({"keys": public}, open(sys.argv[2], "w"))
PY
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$out/keys/tls.key" \
    -out "$out/keys/tls.crt" -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
chmod 755 "$out/keys" && chmod 644 "$out/keys"/*
python3 - "$out/keys" "$keys_port" 2>"$out/keys-server.log" <<'PY' &
import http.server, functools, ssl, sys
folder, port = sys.argv[1], int(sys.argv[2])
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=folder)
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(folder + "/tls.crt", folder + "/tls.key")
server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
PY
pids+=($!)

"$bin" target-config --gateway apache-openidc --policy standard --issuer "https://127.0.0.1:$keys_port" \
    --ca-file "$out/keys/tls.crt" --upstream "http://127.0.0.1:$echo_port" --listen "127.0.0.1:$apache_port" \
    --out "$out/apache" >&2
if ! check=$(apache2 -t -f "$out/apache/httpd.conf" 2>&1); then
    echo "conform-apache: Apache refused the generated configuration: $check" >&2
    exit 2
fi
apache2 -f "$out/apache/httpd.conf" -DFOREGROUND 2>"$out/apache/stderr.log" &
pids+=($!)
for _ in $(seq 1 100); do
    status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$apache_port/" || true)
    [[ $status == 401 ]] && break
    sleep 0.1
done
if [[ ${status:-} != 401 ]]; then
    echo "conform-apache: Apache did not answer 401 to a request without a token (got ${status:-nothing})" >&2
    tail -5 "$out/apache/error.log" >&2 || true
    exit 2
fi
version="Apache $(apache2 -v | sed -n 's/^Server version: Apache\/\([^ ]*\).*/\1/p'), mod_auth_openidc $(dpkg-query -W -f='${Version}' libapache2-mod-auth-openidc 2>/dev/null || echo '?')"
echo "conform-apache: $version on 127.0.0.1:$apache_port, keys from https://127.0.0.1:$keys_port/jwks.json" >&2

result=0
"$bin" conform --target "standard=http://127.0.0.1:$apache_port" --echo-listen "127.0.0.1:$echo_port" \
    --gateway-profile generic --expected-failures vectors/expected-failures-apache-openidc.json \
    --json "$out/conform.json" || result=$?
python3 - "$out/conform.json" "$version" >"$out/table.md" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
cases = run["cases"]
rows = [(cid, c) for cid, c in sorted(cases.items()) if c["status"] != "skipped"]
print(f"### conform --target against {sys.argv[2]} (catalogue policy `standard`)\n")
counts = {}
for _, c in rows:
    counts[c["status"]] = counts.get(c["status"], 0) + 1
print(", ".join(f"{n} {s}" for s, n in sorted(counts.items())) + "\n")
print("| case | expected | Apache | result | why |")
print("|---|---|---|---|---|")
for cid, c in rows:
    why = (c.get("reason") or c.get("detail") or "").replace("|", "/") if c["status"] != "passed" else ""
    print(f"| {cid.removeprefix('jwtbench/')} | {c['expected']} | {c['actual']} | {c['status']} | {why} |")
PY
cat "$out/table.md"
echo "conform-apache: configuration, logs and results in $out" >&2
exit "$result"
