#!/usr/bin/env bash
# The HTTP load driver's own efficiency: `jwtbench load --target` against `wrk` on the same
# server (nginx answering a small static 200 on loopback), the same threads, connections and
# tokens, in one run with the two interleaved round by round; the ratio of their requests per
# second, median over the rounds (the goal: jwtbench >= 0.9x wrk). Both send every request with
# `Authorization: Bearer <token>`, the tokens rotated from one minted file (wrk through
# bench/gateway/tokens.lua). Timings on a shared 2-core VM are noisy: read the ratio.
#
#   bench/http-driver.sh                      # 16 connections, threads 1 and 2, 5 s, 3 rounds
#   bench/http-driver.sh --quick              # 2 s, 1 round: does it work?
#   JWTBENCH=path/to/jwtbench bench/http-driver.sh
#
# Options: --connections N, --threads LIST, --duration D (seconds: 5s), --rounds N, --quick.
# Installs wrk and nginx when missing (as root; else prints the apt-get command, exit 2),
# starts nginx on a free loopback port with its own config, stops it on exit. Writes
# reports/http-driver-<UTC time>/summary.md. Exit 0 done, 1 a run failed, 2 bad usage.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
CONNECTIONS=16
THREADS=1,2
DURATION=5s
ROUNDS=3
die() { echo "http-driver.sh: $*" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
    case $1 in
        --connections) CONNECTIONS=${2:?}; shift 2 ;;
        --threads) THREADS=${2:?}; shift 2 ;;
        --duration) DURATION=${2:?}; shift 2 ;;
        --rounds) ROUNDS=${2:?}; shift 2 ;;
        --quick) DURATION=2s; ROUNDS=1; shift ;;
        -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1'" ;;
    esac
done
[[ $CONNECTIONS =~ ^[1-9][0-9]*$ ]] || die "--connections must be a positive integer"
[[ $THREADS =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || die "--threads must be a list like 1,2"
[[ $DURATION =~ ^[1-9][0-9]*s$ ]] || die "--duration must be whole seconds, like 5s"
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a positive integer"
IFS=, read -r -a THREAD_LIST <<<"$THREADS"

missing=()
command -v wrk >/dev/null || missing+=(wrk)
[[ -x /usr/sbin/nginx ]] || missing+=(nginx)
command -v curl >/dev/null || missing+=(curl)
if ((${#missing[@]})); then
    (($(id -u) == 0)) || die "missing packages; as root run: apt-get update && apt-get install -y ${missing[*]}"
    echo "http-driver.sh: installing ${missing[*]}" >&2
    # Keep the package's own nginx service from starting on port 80.
    [[ -e /usr/sbin/policy-rc.d ]] || { printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; made=1; }
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    [[ -z ${made:-} ]] || rm -f /usr/sbin/policy-rc.d
fi

if [[ -z ${JWTBENCH:-} ]]; then
    . "$ROOT/scripts/release-flags.sh"
    (cd "$ROOT" && swift build -c release "${JWTBENCH_RELEASE_FLAGS[@]}" --product jwtbench >&2)
    JWTBENCH=$(cd "$ROOT" && swift build -c release "${JWTBENCH_RELEASE_FLAGS[@]}" --show-bin-path)/jwtbench
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/jwtbench-http-driver.XXXXXX")
chmod 755 "$WORK"
NGINX_PID=
cleanup() {
    local rc=$?
    [[ -z $NGINX_PID ]] || { kill -TERM "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; }
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PORT=$(python3 "$HERE/gateway/helper.py" ports 1)
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    access_log off;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$PORT;
        location / { return 200 "ok\n"; }
    }
}
CONF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" >"$WORK/nginx/stdout.log" 2>&1 &
NGINX_PID=$!
URL=http://127.0.0.1:$PORT/
for _ in $(seq 50); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$URL" || true) == 200 ]] && break
    sleep 0.1
done
"$JWTBENCH" mint --algs RS256 --variants good-plain --count 1024 --out "$WORK/mint" >/dev/null
TOKENS=$WORK/mint/standard/tokens.txt
[[ -s $TOKENS ]] || { echo "http-driver.sh: mint wrote no tokens" >&2; exit 1; }

# wrk's requests per second, and jwtbench's from its summary.json; either failing fails the run.
wrk_rate() {
    local out=$WORK/wrk.txt
    wrk -t"$1" -c"$CONNECTIONS" -d"$DURATION" -s "$HERE/gateway/tokens.lua" "$URL" -- "$TOKENS" >"$out" 2>&1
    if grep -q "Non-2xx\|Socket errors" "$out"; then cat "$out" >&2; exit 1; fi
    awk '/^Requests\/sec:/ { print $2 }' "$out"
}
jwtbench_rate() {
    local out=$WORK/load-$1-$2
    "$JWTBENCH" load --target "$URL" --tokens "$TOKENS" --threads "$1" --connections "$CONNECTIONS" \
        --duration "$DURATION" --warmup 0s --quiet --out "$out" >"$WORK/load.log" 2>&1 || { cat "$WORK/load.log" >&2; exit 1; }
    python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(sum(x["operations_per_second"] for x in s["series"]))' "$out/summary.json"
}

declare -A RATIOS WRK JB
for ((round = 1; round <= ROUNDS; round++)); do
    for t in "${THREAD_LIST[@]}"; do
        # Alternate which goes first, so neither always runs on a warmer machine.
        if ((round % 2)); then w=$(wrk_rate "$t"); j=$(jwtbench_rate "$t" "$round"); else j=$(jwtbench_rate "$t" "$round"); w=$(wrk_rate "$t"); fi
        echo "http-driver.sh: round $round, $t thread(s): wrk $w req/s, jwtbench $j req/s" >&2
        RATIOS[$t]+="$(python3 -c "print($j / $w)") "
        WRK[$t]+="$w "
        JB[$t]+="$j "
    done
done

median() { python3 -c 'import statistics,sys; print("%.2f" % statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
REPORT=$ROOT/reports/http-driver-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$REPORT"
{
    echo "# jwtbench load --target against wrk ($(date -u '+%Y-%m-%d %H:%M UTC'))"
    echo
    echo "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///') static 200 on loopback; $CONNECTIONS connections; $DURATION per run; $ROUNDS round(s), the two interleaved; medians; the ratio is the median of the per-round ratios. $(nproc) cores, shared with the server."
    echo
    echo "| threads | wrk req/s | jwtbench req/s | jwtbench / wrk | goal |"
    echo "|---:|---:|---:|---:|---|"
    for t in "${THREAD_LIST[@]}"; do
        # shellcheck disable=SC2086 # the lists are space-separated numbers
        r=$(median ${RATIOS[$t]})
        # shellcheck disable=SC2086
        echo "| $t | $(median ${WRK[$t]}) | $(median ${JB[$t]}) | $r | $(python3 -c "print('met' if $r >= 0.9 else 'NOT met')") (>= 0.9) |"
    done
} >"$REPORT/summary.md"
cat "$REPORT/summary.md"
echo "http-driver.sh: report in $REPORT/summary.md" >&2
