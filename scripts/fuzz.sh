#!/usr/bin/env bash
# The libFuzzer targets (Fuzz/, docs/fuzzing.md): build, list, run, and CI's smoke.
#
#   scripts/fuzz.sh list                   the targets
#   scripts/fuzz.sh build [TARGET]         build one target, or all
#   scripts/fuzz.sh run TARGET SECONDS [libFuzzer flags...]
#   scripts/fuzz.sh all SECONDS            each target for SECONDS, one after the other
#
# Swift targets (Fuzz/Fuzz*/, declared in Package.swift when JWTBENCH_FUZZ is set) are built with
# -sanitize=fuzzer,address in .build-fuzz (no manifest cache, jemalloc left out: the normal
# build never sees this graph). C targets (Fuzz/<dir>/fuzz_*.c) are built by clang with
# -fsanitize=fuzzer,address,undefined against the C sources they test. Each run starts from a
# seed corpus made by scripts/fuzz-seeds.py, keeps what it finds in .fuzz/corpus/TARGET, saves
# crashing inputs as .fuzz/artifacts/TARGET-crash-* and ends with one summary line. Limits:
# -timeout=10 (a hang is a finding), -rss_limit_mb=2048, -malloc_limit_mb=512.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=.build-fuzz
out=.fuzz

swift_targets() { for d in Fuzz/Fuzz*/; do d=${d%/}; d=${d#Fuzz/}; [ "$d" != FuzzSupport ] && echo "$d"; done; }
c_targets() { for f in Fuzz/*/fuzz_*.c; do basename "$f" .c; done; }
targets() { swift_targets; c_targets; }
is_c() { c_targets | grep -x "$1" >/dev/null; }

build_swift() {
  mkdir -p "$scratch"
  # jemalloc is left out as in the sanitizer builds (scripts/tsan.sh, scripts/asan.sh).
  # ld.gold warns once per ASan symbol it cannot export; those lines are dropped.
  local rc=0
  JWTBENCH_FUZZ=1 JWTBENCH_NO_JEMALLOC=1 swift build --scratch-path "$scratch" --manifest-cache none \
    -Xswiftc -sanitize=fuzzer,address --product "$1" >"$scratch/build.log" 2>&1 || rc=$?
  grep -v "Cannot export local symbol" "$scratch/build.log" | grep -vE "^\[[0-9]+/[0-9]+\]" || true
  [ "$rc" = 0 ] || { echo "fuzz: building $1 failed" >&2; exit 1; }
}

build_c() {
  local source
  source=$(ls Fuzz/*/"$1".c)
  mkdir -p "$scratch"
  # The C target links the code it tests from source; OpenSSL is the reference.
  local rc=0
  clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Wall -Werror \
    -Wno-deprecated-declarations -ISources/CP256/include Sources/CP256/p256.c "$source" -lcrypto \
    -o "$scratch/$1" >"$scratch/build.log" 2>&1 || rc=$?
  grep -v "Cannot export local symbol" "$scratch/build.log" || true
  [ "$rc" = 0 ] || { echo "fuzz: building $1 failed" >&2; exit 1; }
}

build() { if is_c "$1"; then build_c "$1"; else build_swift "$1"; fi; }
binary() { if is_c "$1"; then echo "$scratch/$1"; else echo "$scratch/debug/$1"; fi; }

run() {
  local target=$1 seconds=$2
  shift 2
  targets | grep -x "$target" >/dev/null || { echo "fuzz: no target $target (scripts/fuzz.sh list)" >&2; exit 2; }
  # Always through the build, which is incremental, so a run never uses a stale binary.
  build "$target"
  mkdir -p "$out/corpus/$target" "$out/artifacts" "$out/logs"
  rm -rf "$out/seeds/$target"
  python3 scripts/fuzz-seeds.py "$target" "$out/seeds/$target" >/dev/null
  local log="$out/logs/$target.log" rc=0
  # The Swift runtime's backtracer would wait on a crashed process; libFuzzer prints the stack.
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}" "$(binary "$target")" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/$target-" "$@" "$out/corpus/$target" "$out/seeds/$target" >"$log" 2>&1 || rc=$?
  local execs cov ft
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
  echo "fuzz: $target: ${execs:-?} executions in ${seconds}s, ${cov:-no coverage line}, exit $rc (log $log)"
  if [ "$rc" != 0 ]; then
    grep -E "fuzz property violated|ERROR: AddressSanitizer|ERROR: libFuzzer|Fatal error|runtime error|fuzz_p256:" "$log" | head -5
    ls "$out"/artifacts/"$target"-* 2>/dev/null | tail -3
    return 1
  fi
}

case "${1:-}" in
  list) targets ;;
  build) if [ -n "${2:-}" ]; then build "$2"; else for t in $(targets); do build "$t"; done; fi ;;
  run) [ $# -ge 3 ] || { echo "usage: scripts/fuzz.sh run TARGET SECONDS [flags]" >&2; exit 2; }; run "${@:2}" ;;
  all)
    [ $# -ge 2 ] || { echo "usage: scripts/fuzz.sh all SECONDS" >&2; exit 2; }
    failed=0
    for t in $(targets); do run "$t" "$2" || failed=1; done
    exit $failed ;;
  *) echo "usage: scripts/fuzz.sh list | build [TARGET] | run TARGET SECONDS [flags] | all SECONDS" >&2; exit 2 ;;
esac
