#!/usr/bin/env bash
# Shows that scripts/check-architecture.py can fail: each planted violation (an import the
# table does not allow, in Sources/ or in a fuzz target, a manifest dependency the table lacks, a file over 500 lines, a CLI
# over 900 lines) must make it exit 1 and name the problem; the unchanged copy must pass.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
JWTBENCH_FUZZ=1 swift package --package-path "$here" --manifest-cache none dump-package > "$work/manifest.json"

fresh() {
    rm -rf "$work/tree"
    mkdir -p "$work/tree/docs"
    cp "$here/docs/ARCHITECTURE.md" "$work/tree/docs/"
    cp -r "$here/Sources" "$work/tree/Sources"
    cp -r "$here/Fuzz" "$work/tree/Fuzz"
    cp "$work/manifest.json" "$work/tree/manifest.json"
}

check() {  # expected exit code, text the output must contain, case name
    local code=0
    python3 "$here/scripts/check-architecture.py" --root "$work/tree" --manifest "$work/tree/manifest.json" > "$work/out" 2>&1 || code=$?
    if [ "$code" != "$1" ] || ! grep -q -- "$2" "$work/out"; then
        echo "check-architecture self-test: $3: expected exit $1 and \"$2\", got exit $code:"
        cat "$work/out"
        exit 1
    fi
}

fresh
check 0 "targets match" "the repository as it is"

fresh
printf 'import KeySources\n' >> "$work/tree/Sources/JWTValidation/Validator.swift"
check 1 "imports KeySources, which JWTValidation may not import" "a planted import"

fresh
python3 - "$work/tree/manifest.json" <<'PY'
import json, sys
path = sys.argv[1]
data = json.load(open(path))
for t in data["targets"]:
    if t["name"] == "JWTValidation":
        t["dependencies"].append({"byName": ["Reports", None]})
json.dump(data, open(path, "w"))
PY
check 1 "JWTValidation: Package.swift depends on Reports" "a manifest dependency the table lacks"

fresh
printf 'import Gateway\n' >> "$work/tree/Fuzz/FuzzValidator/FuzzValidator.swift"
check 1 "imports Gateway, which FuzzValidator may not import" "a planted import in a fuzz target"

fresh
seq 1 501 | sed 's|^|// line |' > "$work/tree/Sources/JWTValidation/Long.swift"
check 1 "Long.swift: 501 lines" "a file over 500 lines"

fresh
for i in 1 2; do seq 1 460 | sed 's|^|// line |' > "$work/tree/Sources/jwtbench/Padding$i.swift"; done
check 1 "the CLI must stay under 900" "a CLI over 900 lines"

echo "check-architecture self-test: 6 cases, each as expected"
