#!/usr/bin/env bash
# Where a NIO proxy hop's cost goes, on loopback, in one run: wrk against
#
#   nginx  nginx as a keep-alive reverse proxy (bench/gateway.sh's cell 2)
#   raw    nio-relay raw:  bytes glued both ways on one NIO event loop, no HTTP
#   half   nio-relay half: NIOHTTP1 decodes and re-encodes requests; responses go back as bytes
#   http   nio-relay http: NIOHTTP1 codecs on both sides, parts forwarded
#
# all in front of the same nginx static 200, at the same connection count, with a 1 KiB
# bearer token in every request as in the gateway cells. Cells interleaved round by round;
# figures are medians over the rounds, ratios the median of the within-round ratios to nginx.
# The gateway's own figure is bench/gateway.sh's cell 4 (0.5-0.66 of nginx): the difference
# between `http` and the gateway is our logic, between `half` and `http` the response codec.
#
#   bench/relay.sh [--rounds N] [--duration 6s] [--connections 32]
#
# Needs nginx and wrk (installed when missing, as root); builds nio-relay in bench/.
set -euo pipefail
ROUNDS=3 DURATION=6s CONNECTIONS=32
while (($#)); do
    case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    *) echo "usage: bench/relay.sh [--rounds N] [--duration D] [--connections N]" >&2; exit 2 ;;
    esac
done
HERE=$(cd "$(dirname "$0")" && pwd)

missing=()
command -v wrk >/dev/null || missing+=(wrk)
[[ -x /usr/sbin/nginx ]] || missing+=(nginx)
if ((${#missing[@]})); then
    (($(id -u) == 0)) || { echo "relay.sh: as root run: apt-get install -y ${missing[*]}" >&2; exit 2; }
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
(cd "$HERE" && swift build -c release --product nio-relay >&2)
RELAY=$HERE/.build/release/nio-relay

WORK=$(mktemp -d "${TMPDIR:-/tmp}/jwtbench-relay.XXXXXX")
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

nginx_conf() { # DIR PORT BODY
    mkdir -p "$1"
    cat >"$1/nginx.conf" <<CONF
worker_processes 1;
pid $1/nginx.pid;
error_log $1/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
    client_body_temp_path $1/client_body;
    proxy_temp_path $1/proxy;
    fastcgi_temp_path $1/fastcgi;
    uwsgi_temp_path $1/uwsgi;
    scgi_temp_path $1/scgi;
    access_log off;
    keepalive_requests 1000000;
    keepalive_timeout 75s;
    $3
    server { listen 127.0.0.1:$2; location / { $4 } }
}
CONF
}
UP=$(free_port)
nginx_conf "$WORK/up" "$UP" "" 'default_type text/plain; return 200 "ok\n";'
nginx -c "$WORK/up/nginx.conf" -p "$WORK/up" & PIDS+=($!)
declare -A PORT
PORT[nginx]=$(free_port)
nginx_conf "$WORK/px" "${PORT[nginx]}" "upstream origin { server 127.0.0.1:$UP; keepalive 64; keepalive_requests 1000000; }" \
    'proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection "";'
nginx -c "$WORK/px/nginx.conf" -p "$WORK/px" & PIDS+=($!)
for mode in raw half http; do
    PORT[$mode]=$(free_port)
    "$RELAY" "$mode" "${PORT[$mode]}" "$UP" >"$WORK/$mode.log" 2>&1 & PIDS+=($!)
done
for cell in nginx raw half http; do
    for _ in $(seq 50); do
        [[ $(curl -s --max-time 1 "http://127.0.0.1:${PORT[$cell]}/" || true) == ok ]] && break
        sleep 0.1
    done
    [[ $(curl -s --max-time 2 "http://127.0.0.1:${PORT[$cell]}/") == ok ]] || { echo "relay.sh: $cell does not answer" >&2; exit 1; }
done

TOKEN=$(head -c 800 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')
CELLS=(nginx raw half http)
: >"$WORK/results.tsv"
for ((round = 1; round <= ROUNDS; round++)); do
    order=("${CELLS[@]}")
    ((round % 2 == 0)) && order=(http half raw nginx)
    for cell in "${order[@]}"; do
        out=$(wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:${PORT[$cell]}/")
        if grep -q 'Non-2xx\|Socket errors' <<<"$out"; then echo "relay.sh: $cell had errors:" >&2; echo "$out" >&2; exit 1; fi
        rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
        p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
        printf '%s\t%s\t%s\t%s\n' "$round" "$cell" "$rps" "$p99" >>"$WORK/results.tsv"
    done
done
python3 - "$WORK/results.tsv" <<'PY'
import sys, statistics, collections
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
rps = collections.defaultdict(dict); p99 = collections.defaultdict(list)
for r, cell, v, p in rows:
    rps[cell][r] = float(v); p99[cell].append(p)
print("| cell | req/s (median) | p99 (per round) | / nginx (median of round ratios) |")
print("|---|---|---|---|")
for cell in ["nginx", "raw", "half", "http"]:
    ratio = statistics.median(rps[cell][r] / rps["nginx"][r] for r in rps[cell])
    print(f"| {cell} | {statistics.median(rps[cell].values()):,.0f} | {', '.join(p99[cell])} | {ratio:.2f} |")
PY
