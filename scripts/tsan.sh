#!/usr/bin/env bash
# Builds jwtbench with ThreadSanitizer and runs a short multi-threaded load (closed and open
# loop, every decision checked) plus the concurrency tests of the core. Fails on any TSan
# report. Not part of `make test` (a second full build with TSan takes several minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=.build-tsan
log=$(mktemp)
trap 'rm -f "$log"' EXIT
swift build --sanitize=thread --scratch-path "$scratch" --product jwtbench
bin="$scratch/debug/jwtbench"
export TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
"$bin" load --algs RS256,ES256,HS256 --mix good=0.7,bad=0.3 --threads 2 --duration 2s --warmup 0.2s \
  --corpus 256 --quiet --out "$scratch/tsan-report" 2>>"$log"
"$bin" load --algs ES256 --threads 2 --duration 2s --warmup 0 --rate 400/s --corpus 64 --quiet \
  --out "$scratch/tsan-report-open" 2>>"$log"
swift test --sanitize=thread --scratch-path "$scratch" \
  --filter 'ConcurrentValidationTests|ConcurrentVerifyTests|LoadDriverTests' 2>>"$log"
if grep -q "WARNING: ThreadSanitizer" "$log"; then
  grep -A30 "WARNING: ThreadSanitizer" "$log" | head -120
  echo "tsan: data races reported (see above)"; exit 1
fi
echo "tsan: clean (load driver closed and open loop on 2 threads, core and driver concurrency tests)"
