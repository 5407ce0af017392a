#!/usr/bin/env bash
# A soak of `jwtbench gateway` with remote keys, on loopback, from nothing running:
#   - `jwtbench issuer --publish` serves the minted catalogue's public keys beside its own key,
#     which it rotates every SOAK_ROTATE (default 60s; max-age 30 s, so the gateway refetches);
#   - every SOAK_OUTAGE_EVERY seconds (300) the issuer is stopped (SIGSTOP) for SOAK_OUTAGE_FOR
#     seconds (60): an identity provider that hangs, which the key cache must ride out;
#   - the gateway (configured by `target-config --gateway jwtbench`) in front of `jwtbench echo`,
#     driven by `jwtbench load --target` at SOAK_SHARE percent (50) of the capacity measured
#     first, with good and bad tokens whose every answer is checked (a mismatch, a false
#     accept included, fails the load);
#   - the gateway's RSS and open file descriptors sampled every 10 s.
# Verdict (exit 0 only if all hold): 0 mismatches; RSS after warm-up (the first 2 minutes) does
# not grow (the last minute's median within 5% + 2 MiB of the median of minutes 2-4); the open
# descriptors do not grow (last minute's max within 4 of the post-warm-up minimum).
# Writes OUT/soak.md, OUT/soak.svg (RSS and fds over time, outages shaded), OUT/samples.csv and
# the load report (OUT/load).
#
# Usage: scripts/soak.sh [MINUTES [OUT]]   (default 30 minutes, reports/soak-<time>)
# JWTBENCH_BIN names the binary; without it the release build is built and used.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
minutes=${1:-30}
out=${2:-reports/soak-$(date -u +%Y%m%dT%H%M%SZ)}
(( minutes >= 3 && minutes <= 50 )) || { echo "soak: MINUTES must be 3 to 50 (the minted tokens live an hour)" >&2; exit 2; }
rotate=${SOAK_ROTATE:-60s}
outage_every=${SOAK_OUTAGE_EVERY:-300}
outage_for=${SOAK_OUTAGE_FOR:-60}
share=${SOAK_SHARE:-50}
bin=${JWTBENCH_BIN:-}
if [[ -z $bin ]]; then
    . scripts/release-flags.sh
    swift build -c release "${JWTBENCH_RELEASE_FLAGS[@]}" --scratch-path .build-release --product jwtbench >&2
    bin=.build-release/release/jwtbench
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -CONT "$pid" 2>/dev/null || true; kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
read -r echo_port admin_port < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
wait_for() { # FILE SED-EXPRESSION: prints the first match, waiting up to 30 s
    for _ in $(seq 1 300); do
        v=$(sed -n "$2" "$1" | head -n 1)
        [[ -n $v ]] && { echo "$v"; return 0; }
        sleep 0.1
    done
    echo "soak: nothing matching in $1:" >&2; cat "$1" >&2; return 1
}

# Good tokens and tokens denied for their signature, kid, issuer, audience and expiry.
"$bin" mint --out "$work/cat" --algs RS256,ES256 \
    --variants good-plain,good-no-kid,sig-bitflip,kid-unknown,expired,iss-wrong,aud-wrong >/dev/null
"$bin" issuer --publish "$work/cat/jwks.json" --rotate-every "$rotate" --overlap 120s --max-age 30 >"$work/issuer.log" 2>&1 &
issuer_pid=$!
pids+=("$issuer_pid")
issuer=$(wait_for "$work/issuer.log" 's/^issuer: *//p')
"$bin" target-config --gateway jwtbench --issuer "$issuer" --upstream "http://127.0.0.1:$echo_port" \
    --listen 127.0.0.1:1 --out "$work/gw" >/dev/null
"$bin" echo --listen "127.0.0.1:$echo_port" >"$work/echo.log" 2>&1 &
pids+=($!)
"$bin" gateway --policy "$work/gw/policy.yaml" --upstream "http://127.0.0.1:$echo_port" --listen 127.0.0.1:0 \
    --admin "127.0.0.1:$admin_port" --access-log off >"$work/gateway.log" 2>&1 &
gateway_pid=$!
pids+=("$gateway_pid")
gateway=$(wait_for "$work/gateway.log" 's/^gateway: \(http:\/\/[^ ]*\) .*/\1/p')
tokens=(--tokens "$work/cat/standard/tokens.txt" --expected "$work/cat/standard/expected.jsonl")

# Capacity, closed loop, then the soak at a share of it (open loop, corrected latency).
"$bin" load --target "$gateway" "${tokens[@]}" --mixed --threads 1 --connections 16 --duration 10s --warmup 2s --quiet \
    --out "$work/capacity" >/dev/null
capacity=$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["series"][0]["operations_per_second"]))' \
    "$work/capacity/summary.json")
rate=$(( capacity * share / 100 ))
echo "soak: capacity $capacity/s; $minutes min at $rate/s ($share%), rotation every $rotate, outage ${outage_for}s every ${outage_every}s" >&2
start=$(date +%s)
"$bin" load --target "$gateway" "${tokens[@]}" --mixed --threads 1 --connections 16 --rate "$rate/s" --duration "${minutes}m" \
    --warmup 0 --quiet --out "$out/load" >"$work/load.log" 2>&1 &
load_pid=$!

echo "seconds,rss_kib,fds,outage" >"$out/samples.csv"
outage=0
next_outage=$outage_every
while kill -0 "$load_pid" 2>/dev/null; do
    t=$(( $(date +%s) - start ))
    if (( outage == 0 && t >= next_outage && t + outage_for < minutes * 60 )); then
        kill -STOP "$issuer_pid"; outage=1; outage_end=$(( t + outage_for ))
    elif (( outage == 1 && t >= outage_end )); then
        kill -CONT "$issuer_pid"; outage=0; next_outage=$(( next_outage + outage_every ))
    fi
    # Only while the load runs: once its duration is over it closes its connections and spends
    # a while writing its reports, and samples of that idle gateway (16 descriptors fewer)
    # would count as the post-warm-up minimum and fail a flat run.
    if (( t < minutes * 60 )); then
        rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$gateway_pid/status")
        fds=$(ls "/proc/$gateway_pid/fd" | wc -l)
        echo "$t,$rss,$fds,$outage" >>"$out/samples.csv"
    fi
    sleep 10
done
kill -CONT "$issuer_pid" 2>/dev/null || true
load_status=0
wait "$load_pid" || load_status=$?
metrics=$(curl -s "http://127.0.0.1:$admin_port/metrics" | grep -E '^jwtbench_gateway_key_fetch(es|_failures)_total' | tr '\n' ' ')
python3 - "$out" "$load_status" "$capacity" "$rate" "$minutes" "$metrics" <<'PY'
import csv, json, statistics, sys
out, load_status, capacity, rate, minutes, metrics = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
rows = [(int(r["seconds"]), int(r["rss_kib"]), int(r["fds"]), int(r["outage"])) for r in csv.DictReader(open(out + "/samples.csv"))]
series = json.load(open(out + "/load/summary.json"))["series"][0]
mismatches = series["mismatches"]
warm = [r for r in rows if r[0] >= 120]
early = [r[1] for r in warm if r[0] < 240] or [r[1] for r in warm[:6]]
last = [r for r in rows if r[0] >= rows[-1][0] - 60]
rss_ok = statistics.median(r[1] for r in last) <= statistics.median(early) * 1.05 + 2048
fds_ok = max(r[2] for r in last) <= min(r[2] for r in warm) + 4
ok = mismatches == 0 and load_status == 0 and rss_ok and fds_ok
# The plot: RSS (MiB) and descriptors over minutes, outages shaded.
w, h, pad = 720, 300, 50
tmax = max(r[0] for r in rows) or 1
rmax = max(r[1] for r in rows) / 1024 * 1.2
fmax = max(r[2] for r in rows) * 1.2
x = lambda t: pad + (w - 2 * pad) * t / tmax
y = lambda v, m: h - pad - (h - 2 * pad) * v / m
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="11">']
for i, r in enumerate(rows):
    if r[3] and i + 1 < len(rows):
        svg.append(f'<rect x="{x(r[0]):.1f}" y="{pad}" width="{x(rows[i+1][0]) - x(r[0]):.1f}" height="{h - 2*pad}" fill="#fde2e2"/>')
svg.append(f'<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="{" ".join(f"{x(r[0]):.1f},{y(r[1]/1024, rmax):.1f}" for r in rows)}"/>')
svg.append(f'<polyline fill="none" stroke="#ff7f0e" stroke-width="2" points="{" ".join(f"{x(r[0]):.1f},{y(r[2], fmax):.1f}" for r in rows)}"/>')
svg.append(f'<line x1="{pad}" y1="{h-pad}" x2="{w-pad}" y2="{h-pad}" stroke="#333"/>')
svg.append(f'<text x="{pad}" y="20">gateway RSS (MiB, blue, 0 to {rmax:.0f}) and open fds (orange, 0 to {fmax:.0f}) over {tmax/60:.1f} min; IdP outages shaded</text>')
for m in range(0, int(tmax // 60) + 1, max(1, int(tmax // 600))):
    svg.append(f'<text x="{x(m*60):.1f}" y="{h-pad+15}" text-anchor="middle">{m}</text>')
svg.append("</svg>")
open(out + "/soak.svg", "w").write("\n".join(svg))
md = [f"# Soak: {minutes} min, {'PASS' if ok else 'FAIL'}", "",
      f"Load: {rate}/s open loop ({rate*100//max(capacity,1)}% of the {capacity}/s measured closed-loop capacity), {series['operations']} requests, **{mismatches} mismatches** (a false accept would be one).",
      f"RSS after warm-up: {statistics.median(early)/1024:.1f} MiB (minutes 2-4, median) -> {statistics.median(r[1] for r in last)/1024:.1f} MiB (last minute): {'no growth' if rss_ok else 'GREW'}.",
      f"Open descriptors: {min(r[2] for r in warm)} to {max(r[2] for r in warm)} after warm-up, last minute max {max(r[2] for r in last)}: {'no growth' if fds_ok else 'GREW'}.",
      f"Key fetches at the end (gateway /metrics): {metrics or 'n/a'}", "", "![RSS and fds](soak.svg)", ""]
open(out + "/soak.md", "w").write("\n".join(md))
print("\n".join(md[:5]))
sys.exit(0 if ok else 1)
PY
