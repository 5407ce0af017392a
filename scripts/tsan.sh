#!/usr/bin/env bash
# Builds jwtbench with ThreadSanitizer and runs, on 2 threads with every decision checked:
# the load driver over the core in closed and open loop (RS256, ES256, HS256, good and bad
# tokens), encrypted (`dir` JWE) tokens on both threads, the key-cache comparison (remote JWKS
# on the embedded issuer: refresher threads swapping key snapshots under the validating
# workers, rotation, kid floods), and the gateway on two event loops in front of a Python
# upstream, driven over HTTP by `load --target`.
# Fails on any TSan report. The last step of `make test` (a fresh TSan build takes ~10 minutes here).
#
# jemalloc is left out of this build: with it linked, TSan's allocator aborts ("CHECK failed:
# sanitizer_allocator_secondary.h") when the Swift runtime frees, through TSan's `free`, memory
# jemalloc handed out. The binary runs below exercise the concurrent paths of the core, the
# driver and the key sources.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=.build-tsan
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Without jemalloc (see Package.swift); no manifest cache, so the normal build never sees this one's graph.
JWTBENCH_NO_JEMALLOC=1 swift build --sanitize=thread --scratch-path "$scratch" --manifest-cache none --product jwtbench
bin="$scratch/debug/jwtbench"
export TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
# A run that TSan flags exits 66; keep going so every report is printed below.
failed=0
run() { "$@" 2>>"$log" || failed=1; }
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -f "$log"; rm -rf "$work"' EXIT
run "$bin" load --algs RS256,ES256,HS256 --mix good=0.7,bad=0.3 --threads 2 --duration 2s --warmup 0.2s \
  --corpus 256 --quiet --out "$scratch/tsan-report"
run "$bin" load --algs ES256 --threads 2 --duration 2s --warmup 0 --rate 400/s --corpus 64 --quiet \
  --out "$scratch/tsan-report-open"
run "$bin" cache-compare --strategies default,ttl,token-cache --scenarios steady,rotation,kid-flood --threads 2 \
  --duration 2s --quiet --out "$scratch/tsan-cache-compare"
# Encrypted tokens on both threads, every one the same `dir` JWE: its empty encrypted-key
# segment once made both threads write the standard library's shared empty-array storage
# (Base64URL.decode), which the mixed run above catches only when its corpus draws a `dir` token.
run "$bin" mint --algs HS256 --variants good-encrypted-dir --out "$work/jwe"
run "$bin" load --policy "$work/jwe/encrypted/policy.yaml" --tokens "$work/jwe/encrypted/tokens.txt" \
  --keys "$work/jwe/jwks.json" --threads 2 --duration 1s --warmup 0 --quiet --out "$scratch/tsan-report-jwe"
# The gateway on two event loops in front of a small upstream, driven over HTTP by the load
# driver's two epoll workers with minted tokens whose answers are all checked: both the proxy
# and the HTTP driver under TSan at once.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
up=$(free_port)
gw=$(free_port)
mkdir -p "$work/www" && echo ok >"$work/www/index.html"
python3 -m http.server --bind 127.0.0.1 --directory "$work/www" "$up" >/dev/null 2>&1 &
pids+=($!)
run "$bin" mint --algs ES256 --count 64 --out "$work/mint"
now=$(python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["now"])' "$work/mint/standard/expected.jsonl")
"$bin" gateway --policy "$work/mint/standard/policy.yaml" --keys "$work/mint/jwks.json" --upstream "http://127.0.0.1:$up" \
  --listen "127.0.0.1:$gw" --threads 2 --access-log off --now "$now" --drain-timeout 1s 2>>"$log" &
gateway=$!
pids+=($gateway)
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$gw/" && break; sleep 0.1; done
run "$bin" load --target "http://127.0.0.1:$gw/" --tokens "$work/mint/standard/tokens.txt" --threads 2 --connections 8 \
  --duration 2s --warmup 0.2s --quiet --out "$scratch/tsan-report-http"
kill -TERM "$gateway" && { wait "$gateway" || failed=1; }
if grep -q "WARNING: ThreadSanitizer" "$log"; then
  grep -A30 "WARNING: ThreadSanitizer" "$log" | head -120
  echo "tsan: data races reported (see above)"; exit 1
fi
if [ "$failed" != 0 ]; then
  tail -40 "$log"
  echo "tsan: a run failed (see above)"; exit 1
fi
echo "tsan: clean (load driver over the core, closed and open loop, JWE on 2 threads, key-cache comparison, the gateway on 2 event loops driven over HTTP by 2 workers)"
