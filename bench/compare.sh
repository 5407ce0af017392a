#!/usr/bin/env bash
# ours (end to end), vapor/jwt-kit and raw verify (OpenSSL and BoringSSL) on the same tokens
# and key, on 1 thread and on all cores; each figure the median of interleaved rounds.
# Prints a table, the ratios against the goals (NOTES.md, Goals), and as its LAST line a JSON object with
# every figure (ops/s), sample and ratio.
#
#   bench/compare.sh                        # typical token, 5 rounds x 1 s per cell
#   ROUNDS=7 SECONDS_PER_CELL=2 bench/compare.sh
#   bench/compare.sh --size large --alg RS256
#
# Extra arguments go to bench-compare (see `--help`). Build logs go to stderr, so
# `bench/compare.sh | tail -1` is the JSON alone.
set -euo pipefail
cd "$(dirname "$0")"
ROUNDS="${ROUNDS:-5}"
SECONDS_PER_CELL="${SECONDS_PER_CELL:-1}"
THREADS="${THREADS:-1,$(nproc)}"
swift build -c release --product bench-compare >&2
exec "$(swift build -c release --show-bin-path)/bench-compare" \
    --rounds "$ROUNDS" --seconds "$SECONDS_PER_CELL" --threads "$THREADS" "$@"
