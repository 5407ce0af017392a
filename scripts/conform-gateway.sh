#!/usr/bin/env bash
# `jwtbench conform --target` against `jwtbench gateway`, on this machine, from nothing running:
# mints the catalogue (policy files and keys), starts one gateway per catalogue policy the
# cases name (every policy: the token cases go in each policy's header) on free loopback ports, each forwarding to the echo
# upstream that conform starts on --echo-listen, runs conform against them, and stops the
# gateways. It exits with conform's status (0 all as expected, 1 unexpected results, 2 usage).
#
# Usage: scripts/conform-gateway.sh [conform options...]     e.g. --junit .build/gateway.xml
# JWTBENCH_BIN names the binary; without it the debug build is built and used.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=${JWTBENCH_BIN:-}
if [[ -z $bin ]]; then
    swift build --product jwtbench >&2
    bin=$(swift build --show-bin-path)/jwtbench
fi
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# The echo upstream's port must be known before the gateways start (it is their --upstream);
# the gateways' own ports are chosen by the kernel (--listen :0) and read from their output.
echo_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# One instant for the catalogue, the gateways' clocks and the cases conform sends: the revoked
# policy's denylist holds hashes of tokens minted for it, and every expectation is exact.
now=$(date +%s)
"$bin" mint --out "$work/catalogue" --variants all --algs RS256,ES256 --now "$now" >&2

targets=()
for policy in standard leeway-60 require-exp max-lifetime-3600 at-jwt eddsa-only body-token revoked nested encrypted; do
    # A policy no RS256 or ES256 case is minted for has no folder (and no cases to send).
    [[ -f $work/catalogue/$policy/policy.yaml ]] || continue
    "$bin" gateway --policy "$work/catalogue/$policy/policy.yaml" --keys "$work/catalogue/jwks.json" \
        --upstream "http://127.0.0.1:$echo_port" --listen 127.0.0.1:0 --access-log off --now "$now" 2>"$work/$policy.log" &
    pids+=($!)
    url=""
    for _ in $(seq 1 300); do
        url=$(sed -n 's/^gateway: \(http:\/\/[^ ]*\) .*/\1/p' "$work/$policy.log" | head -n 1)
        [[ -n $url ]] && break
        if ! kill -0 "${pids[-1]}" 2>/dev/null; then
            echo "conform-gateway: the $policy gateway did not start:" >&2
            cat "$work/$policy.log" >&2
            exit 2
        fi
        sleep 0.1
    done
    if [[ -z $url ]]; then
        echo "conform-gateway: the $policy gateway did not say where it listens within 30 s" >&2
        exit 2
    fi
    targets+=(--target "$policy=$url")
done

status=0
"$bin" conform "${targets[@]}" --echo-listen "127.0.0.1:$echo_port" --gateway-profile jwtbench --now "$now" "$@" || status=$?
exit "$status"
