#!/usr/bin/env bash
# The test suite under AddressSanitizer and UndefinedBehaviorSanitizer (part of `make test`).
#
# Its own build (.build-asan, no manifest cache, jemalloc left out as in scripts/tsan.sh: a
# sanitizer's allocator must own every allocation). Every suite runs except those that only
# drive other processes or measure (CLITests runs the jwtbench binary, whose own code the
# other suites cover; LoadDriverTests and CacheCompareTests are load and timing harnesses, run
# under ThreadSanitizer by scripts/tsan.sh instead): JOSECryptoTests (our P-256 and RSA code,
# base64url, key import), JWTValidationTests (the scanner, extraction, the validator),
# PolicyTests, KeySourcesTests, RevocationTests, TokenMintTests, IssuerTests, GatewayTests,
# EchoTests, GatewayConformanceTests, ConformanceTests, ReportsTests, MeasurementTests.
# Fails on any sanitizer report (both halt the process).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=.build-asan
# Swift on Linux has no -sanitize=undefined (its own arithmetic and bounds are checked in debug
# builds); UBSan instruments the C code (our CP256, the system-library shims, the C of the
# dependencies), and its handlers are part of the ASan runtime. vptr is left out: it would need
# RTTI and the C++ UBSan runtime for the dependencies' C++.
flags=(--sanitize=address -Xcc -fsanitize=undefined -Xcc -fno-sanitize=vptr -Xcc -fno-sanitize-recover=undefined
  --scratch-path "$scratch" --manifest-cache none)
# ld.gold warns once per ASan symbol it cannot export; those lines are dropped.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
JWTBENCH_NO_JEMALLOC=1 swift build --build-tests "${flags[@]}" >"$log" 2>&1 || rc=$?
grep -v "Cannot export local symbol" "$log" | grep -vE "^\[[0-9]+/[0-9]+\]" || true
[ "$rc" = 0 ] || { echo "asan: build failed" >&2; exit 1; }
skip='^(CLITests|LoadDriverTests|CacheCompareTests)\.'
# detect_leaks=0: the Swift runtime keeps metadata and caches for the process's life, which
# LeakSanitizer would report; use-after-free, overflows and UB are what this run is for.
ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:${ASAN_OPTIONS:-}" UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" \
  SWIFT_BACKTRACE=enable=no JWTBENCH_NO_JEMALLOC=1 \
  swift test --skip-build "${flags[@]}" --skip "$skip"
echo "asan: the test suite is clean under AddressSanitizer and UndefinedBehaviorSanitizer (CLITests, LoadDriverTests, CacheCompareTests not run)"
