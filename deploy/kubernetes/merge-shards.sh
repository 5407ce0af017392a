#!/bin/sh
# The merge step of a distributed run (merge-job.yaml, scripts/shards-local.sh): every
# RESULTS/shard-* report merged losslessly into RESULTS/merged.
set -eu
RESULTS=${RESULTS:-/results}
exec "${JWTBENCH:-jwtbench}" report merge "$RESULTS"/shard-*/ --out "$RESULTS/merged"
