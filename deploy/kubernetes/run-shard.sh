#!/bin/sh
# One shard of a distributed `jwtbench load` run: the entry point of the Indexed Job's pods
# (load-job.yaml) and of scripts/shards-local.sh, so both run exactly this.
#
#   JOB_COMPLETION_INDEX  this shard's index (Kubernetes sets it in an Indexed Job)
#   SHARDS                how many shards (the Job's completions)
#   START_AT              UNIX seconds at which every shard starts measuring (--start-at), so
#                         the shards measure the same seconds and their open-loop rates add up
#   LOAD_ARGS             the rest of the `jwtbench load` command line (word-split)
#   RESULTS               the shared results folder (default /results); this shard writes
#                         RESULTS/shard-<index>
#   JWTBENCH              the binary (default: jwtbench on PATH)
set -eu
: "${JOB_COMPLETION_INDEX:?JOB_COMPLETION_INDEX is not set (an Indexed Job sets it)}"
: "${SHARDS:?SHARDS is not set}"
: "${START_AT:?START_AT is not set (UNIX seconds when every shard starts)}"
RESULTS=${RESULTS:-/results}
# shellcheck disable=SC2086 # LOAD_ARGS is a command line, split on purpose
exec "${JWTBENCH:-jwtbench}" load ${LOAD_ARGS:-} --shard "$JOB_COMPLETION_INDEX/$SHARDS" --start-at "$START_AT" \
    --out "$RESULTS/shard-$JOB_COMPLETION_INDEX" --quiet
