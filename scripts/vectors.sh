#!/usr/bin/env bash
# Fetches the external conformance vectors (Wycheproof, the RFC 7520 JOSE Cookbook) into a
# git-ignored folder, so `make test` runs the full conformance suites
# without ../shared/vectors. Every file is checked against vectors/external-manifest.sha256;
# a file whose SHA-256 differs fails the run, naming the file, and is not installed.
#
# Usage: scripts/vectors.sh [DEST]          (default DEST: .vectors in the checkout)
# Environment:
#   JWTBENCH_VECTORS_MIRROR  base URL of a mirror laid out like the vectors folder
#                            (<base>/wycheproof/testvectors_v1/..., <base>/jose-cookbook/...,
#                            ...): file:///path/to/vectors or http(s)://host/path.
#                            Default: the pinned upstream locations below.
#   WYCHEPROOF_BASE, COOKBOOK_BASE  override one upstream base URL each.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
manifest="$root/vectors/external-manifest.sha256"
dest="${1:-$root/.vectors}"
mirror="${JWTBENCH_VECTORS_MIRROR:-}"
mirror="${mirror%/}"

# The pinned upstreams (see the manifest header).
WYCHEPROOF_COMMIT=dac1dd4729fd1f8dd9e1e9f3dce51d783da6c166
COOKBOOK_COMMIT=13692b68bfc18b99557a5b1ed311fd5077bfff04
WYCHEPROOF_BASE="${WYCHEPROOF_BASE:-https://raw.githubusercontent.com/C2SP/wycheproof/$WYCHEPROOF_COMMIT}"
COOKBOOK_BASE="${COOKBOOK_BASE:-https://raw.githubusercontent.com/ietf-jose/cookbook/$COOKBOOK_COMMIT}"

offline="offline? copy an existing vectors folder and set JWTBENCH_VECTORS=DIR (or make VECTORS=DIR), or set JWTBENCH_VECTORS_MIRROR=file:///path/to/vectors"

command -v curl >/dev/null || { echo "vectors: curl is required" >&2; exit 2; }
command -v sha256sum >/dev/null || { echo "vectors: sha256sum is required" >&2; exit 2; }
[ -f "$manifest" ] || { echo "vectors: missing $manifest" >&2; exit 2; }

# The URL of one manifest path.
url_of() {
    local path="$1"
    if [ -n "$mirror" ]; then echo "$mirror/$path"; return; fi
    case "$path" in
        wycheproof/*) echo "$WYCHEPROOF_BASE/${path#wycheproof/}" ;;
        jose-cookbook/*) echo "$COOKBOOK_BASE/${path#jose-cookbook/}" ;;
        *) echo "vectors: no source for $path in $manifest" >&2; return 1 ;;
    esac
}

staging="$(mktemp -d "${TMPDIR:-/tmp}/jwtbench-vectors.XXXXXX")"
trap 'rm -rf "$staging"' EXIT

count=0
failed=0
while read -r sum path; do
    case "$sum" in '' | '#'*) continue ;; esac
    url="$(url_of "$path")"
    mkdir -p "$staging/$(dirname "$path")"
    rc=0
    curl -fsSL --retry 2 --connect-timeout 15 -o "$staging/$path" "$url" || rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "vectors: cannot fetch $path from $url (curl exit $rc)" >&2
        case "$rc" in
            5 | 6 | 7 | 28) # no proxy, no name resolution, no connection, timeout: no network
                echo "vectors: no network; nothing was installed in $dest" >&2
                echo "vectors: $offline" >&2
                exit 1 ;;
        esac
        failed=$((failed + 1))
        continue
    fi
    actual="$(sha256sum "$staging/$path" | cut -d' ' -f1)"
    if [ "$actual" != "$sum" ]; then
        echo "vectors: SHA-256 MISMATCH for $path (from $url): expected $sum, got $actual" >&2
        failed=$((failed + 1))
        continue
    fi
    count=$((count + 1))
done <"$manifest"

if [ "$failed" -gt 0 ]; then
    echo "vectors: $failed file(s) failed; nothing was installed in $dest" >&2
    echo "vectors: $offline" >&2
    exit 1
fi

# Every file checked: install them all (files not in the manifest are left alone).
mkdir -p "$dest"
(cd "$staging" && find . -type f -print0 | while IFS= read -r -d '' f; do
    mkdir -p "$dest/$(dirname "$f")"
    mv -f "$f" "$dest/$f"
done)
echo "vectors: $count files checked against vectors/external-manifest.sha256, in $dest"
echo "vectors: run the full conformance suites with: make test (or JWTBENCH_VECTORS=$dest swift test; swift run jwtbench conform --suites $dest)"
