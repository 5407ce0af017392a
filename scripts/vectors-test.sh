#!/usr/bin/env bash
# Tests scripts/vectors.sh against local file:// mirrors made from an existing vectors folder
# (SOURCE, default: $JWTBENCH_VECTORS, else ../shared/vectors): a good mirror installs every
# manifest file byte for byte; a corrupted file and a missing file each fail, naming the file,
# and install nothing. Run by `make vectors-test`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source_dir="${1:-${JWTBENCH_VECTORS:-$root/../shared/vectors}}"
manifest="$root/vectors/external-manifest.sha256"
if [ ! -d "$source_dir" ]; then
    echo "vectors-test: SKIPPED: no vectors folder at $source_dir to build a mirror from (pass one, or set JWTBENCH_VECTORS)"
    exit 0
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/jwtbench-vectors-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
fail() { echo "vectors-test: FAIL: $*" >&2; exit 1; }

# A mirror holding exactly the manifest's files.
mirror="$work/mirror"
grep -v '^#' "$manifest" | while read -r _ path; do
    [ -n "$path" ] || continue
    mkdir -p "$mirror/$(dirname "$path")"
    cp "$source_dir/$path" "$mirror/$path"
done

# 1. A good mirror: every file installed and identical.
JWTBENCH_VECTORS_MIRROR="file://$mirror" bash "$root/scripts/vectors.sh" "$work/good" >"$work/good.log" 2>&1 ||
    fail "good mirror: $(cat "$work/good.log")"
(cd "$work/good" && grep -v '^#' "$manifest" | sha256sum -c --quiet) || fail "good mirror: installed files differ"
[ "$(grep -vc '^#' "$manifest")" = "$(find "$work/good" -type f | wc -l)" ] || fail "good mirror: wrong file count"

# 2. One corrupted file: exit 1, the file named, nothing installed.
corrupt="wycheproof/testvectors_v1/json_web_signature_test.json"
cp -r "$mirror" "$work/bad"
printf ' ' >>"$work/bad/$corrupt"
if JWTBENCH_VECTORS_MIRROR="file://$work/bad" bash "$root/scripts/vectors.sh" "$work/bad-dest" >"$work/bad.log" 2>&1; then
    fail "a corrupted file was accepted"
fi
grep -q "MISMATCH for $corrupt" "$work/bad.log" || fail "the mismatch message does not name $corrupt: $(cat "$work/bad.log")"
grep -q "offline?" "$work/bad.log" || fail "no offline hint: $(cat "$work/bad.log")"
[ ! -e "$work/bad-dest" ] || fail "files were installed despite the mismatch"

# 3. One missing file: exit 1, the file named.
missing="jose-cookbook/jws/4_1.rsa_v15_signature.json"
rm "$work/bad/$missing"
if JWTBENCH_VECTORS_MIRROR="file://$work/bad" bash "$root/scripts/vectors.sh" "$work/bad-dest" >"$work/missing.log" 2>&1; then
    fail "a missing file was accepted"
fi
grep -q "cannot fetch $missing" "$work/missing.log" || fail "the message does not name $missing: $(cat "$work/missing.log")"

echo "vectors-test: ok (good mirror installed $(find "$work/good" -type f | wc -l) files; corrupted and missing files rejected)"
