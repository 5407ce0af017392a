#!/usr/bin/env bash
# The Kubernetes recipe (deploy/kubernetes/) run here: N shards as local processes with
# exactly the Indexed Job's environment (JOB_COMPLETION_INDEX, SHARDS, START_AT, RESULTS and
# the LOAD_ARGS read from load-job.yaml) through the same entry point (run-shard.sh), then the
# merge step (merge-shards.sh), then a check that the merged histograms hold, count for
# count, the shards' samples (scripts/hlog-counts.py, an independent reading of the .hlog).
#
#   scripts/shards-local.sh 4                   # 4 shards; the report under reports/shards-<time>/
#   scripts/shards-local.sh 4 --out DIR
#   JWTBENCH=path/to/jwtbench scripts/shards-local.sh 4
#
# Exit 0 when every shard passed and the merge is exact, 1 otherwise, 2 on bad usage.
set -euo pipefail
cd "$(dirname "$0")/.."
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[[ $# -ge 1 && $1 =~ ^[1-9][0-9]*$ ]] || usage
SHARDS=$1
shift
OUT=reports/shards-$(date -u +%Y%m%dT%H%M%SZ)
while [[ $# -gt 0 ]]; do
    case $1 in
        --out) OUT=${2:?--out needs a folder}; shift 2 ;;
        *) usage ;;
    esac
done
JOB=deploy/kubernetes/load-job.yaml
# The Job's LOAD_ARGS value, so the local shards run what the pods run.
LOAD_ARGS=$(python3 - "$JOB" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
match = re.search(r'- name: LOAD_ARGS\s*\n\s*value: "([^"]*)"', text)
if not match:
    sys.exit("shards-local: no LOAD_ARGS in " + sys.argv[1])
print(match.group(1))
PY
)
if [[ -z ${JWTBENCH:-} ]]; then
    . scripts/release-flags.sh
    swift build -c release "${JWTBENCH_RELEASE_FLAGS[@]}" --product jwtbench >&2
    JWTBENCH=$(swift build -c release "${JWTBENCH_RELEASE_FLAGS[@]}" --show-bin-path)/jwtbench
fi
export JWTBENCH
mkdir -p "$OUT/logs"
RESULTS=$(cd "$OUT" && pwd)
# Every shard mints its corpus first; START_AT leaves time for that, as the Job's does.
START_AT=$(($(date +%s) + ${SHARDS_START_DELAY:-8}))
echo "shards-local: $SHARDS shards of 'jwtbench load $LOAD_ARGS', starting at $START_AT, into $RESULTS" >&2
pids=()
for ((i = 0; i < SHARDS; i++)); do
    JOB_COMPLETION_INDEX=$i SHARDS=$SHARDS START_AT=$START_AT RESULTS=$RESULTS LOAD_ARGS=$LOAD_ARGS \
        deploy/kubernetes/run-shard.sh >"$RESULTS/logs/shard-$i.log" 2>&1 &
    pids+=($!)
done
failed=0
for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
        echo "shards-local: shard $i failed (see $RESULTS/logs/shard-$i.log)" >&2
        failed=1
    fi
done
((failed == 0)) || exit 1
RESULTS=$RESULTS deploy/kubernetes/merge-shards.sh
python3 scripts/hlog-counts.py "$RESULTS/merged" "$RESULTS"/shard-[0-9]*/ || exit 1
echo "shards-local: merged report in $RESULTS/merged/index.html" >&2
