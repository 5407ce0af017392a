# The Swift flags of jwtbench's release builds, in one place: sourced by the scripts that
# build one (bench/gateway.sh, bench/jwe.sh, bench/http-driver.sh, scripts/soak.sh,
# scripts/shards-local.sh) and read by the Makefile (`make release`, `make run`).
#
# -enforce-exclusivity=unchecked: no run-time exclusivity checks in the release build, in
# our code and in the packages' (most of them are in NIOPosix's channel code). They cost
# the gateway 15% of its user time per request (bench/NOTES.md, 2026-12-07). The compiler's
# static checks stay, and every test build keeps the run-time checks (`make test`, the
# ThreadSanitizer and AddressSanitizer builds), so a violation still fails CI.
JWTBENCH_RELEASE_FLAGS=(-Xswiftc -enforce-exclusivity=unchecked)
