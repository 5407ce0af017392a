# jwtbench: build, test and run on a fresh Debian/Ubuntu machine.
# `make test` is the README's test command and what CI runs (.ci/run).

SWIFT ?= swift
# The external vectors folder: $JWTBENCH_VECTORS, else ../shared/vectors, else .vectors (`make vectors`).
VECTORS ?= $(or $(JWTBENCH_VECTORS),$(if $(wildcard ../shared/vectors/.),$(abspath ../shared/vectors),$(abspath .vectors)))
# The release builds' Swift flags (scripts/release-flags.sh says which and why).
RELEASE_FLAGS := $(shell bash -c '. scripts/release-flags.sh && echo "$${JWTBENCH_RELEASE_FLAGS[*]}"')
SYSTEM_PACKAGES := libssl-dev libjemalloc-dev zlib1g-dev pkg-config curl

.PHONY: all deps build release test run clean tsan asan fuzz fuzz-list fuzz-build format lint vectors vectors-test

all: build

# Installs the system libraries the package links against, when they are missing.
deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing) >/dev/null || exit 1; \
	  else \
	    echo "missing system packages:$$missing"; \
	    echo "install them with: sudo apt-get install -y$$missing"; exit 2; \
	  fi; \
	fi

build: deps
	$(SWIFT) build

# Only the jwtbench product: a bare `swift build -c release` also builds every target,
# including the test-support ones that `@testable import` and so do not compile in release.
release: deps
	$(SWIFT) build -c release $(RELEASE_FLAGS) --product jwtbench

# The whole test suite; the vector suites read $(VECTORS) (JWTBENCH_VECTORS) and say when they skip.
# Then the conformance run (docs/conformance.md): any unexpected decision fails `make test`.
# Without the vectors folder it runs the project's vectors only, and says so. Then the
# catalogue over HTTP against real gateways on loopback (docs/conformance.md): jwtbench gateway
# (exact reasons) and Apache httpd with mod_auth_openidc (installed when missing; its
# differences are on vectors/expected-failures-apache-openidc.json). Last, the
# sanitizer runs, each in a build of its own: ThreadSanitizer (scripts/tsan.sh), the suite
# under AddressSanitizer + UndefinedBehaviorSanitizer (scripts/asan.sh), and a smoke of every
# fuzz target, FUZZ_SMOKE seconds each (scripts/fuzz.sh), and `make release`, the build `make run`
# uses, which nothing else compiles. README "What CI runs" has the times.
FUZZ_SMOKE ?= 20
test: deps lint
	$(if $(wildcard $(VECTORS)/.),bash scripts/vectors-test.sh $(VECTORS))
	$(if $(wildcard $(VECTORS)/.),JWTBENCH_VECTORS=$(VECTORS)) $(SWIFT) test
	$(SWIFT) run jwtbench conform $(if $(wildcard $(VECTORS)/.),--suites $(VECTORS)) --junit .build/conformance.xml
	bash scripts/conform-gateway.sh --junit .build/conformance-gateway.xml
	bash scripts/conform-apache.sh .build/conform-apache
	bash scripts/tsan.sh
	bash scripts/asan.sh
	bash scripts/fuzz.sh all $(FUZZ_SMOKE)
	$(MAKE) --no-print-directory release

# The main job on built-in defaults: mint, conformance, thread sweep, latency-throughput
# curve, quick key-cache comparison; the report lands under reports/<run>/.
run: release
	$(SWIFT) run -c release $(RELEASE_FLAGS) jwtbench run $(if $(wildcard $(VECTORS)/.),--suites $(VECTORS))

# ThreadSanitizer build and short multi-threaded runs (also the last step of `make test`).
tsan: deps
	bash scripts/tsan.sh

# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer (also part of `make test`).
asan: deps
	bash scripts/asan.sh

# libFuzzer targets (Fuzz/, docs/fuzzing.md): `make fuzz TARGET=FuzzValidator SECONDS=600`, or
# without TARGET every target for SECONDS each; builds what it needs. Corpora, crash
# artifacts and logs land in .fuzz/ (not committed).
SECONDS ?= 60
fuzz: deps
	$(if $(TARGET),bash scripts/fuzz.sh run $(TARGET) $(SECONDS),bash scripts/fuzz.sh all $(SECONDS))

fuzz-list:
	@bash scripts/fuzz.sh list

fuzz-build: deps
	bash scripts/fuzz.sh build $(TARGET)

# Formats every Swift file in place with the toolchain's swift-format (.swift-format).
format:
	$(SWIFT) format --in-place --recursive --parallel Package.swift Sources Tests Fuzz

# What `make test` checks before building: the formatting (swift format lint, strict: any
# finding fails), and the layout docs/ARCHITECTURE.md describes (scripts/check-architecture.py:
# Package.swift against the allowed-imports table, every import, file and CLI sizes), and
# that this check fails on planted violations.
lint:
	$(SWIFT) format lint --strict --recursive --parallel Package.swift Sources Tests Fuzz
	python3 scripts/check-architecture.py
	bash scripts/check-architecture-selftest.sh

# Fetches the external vectors (pinned Wycheproof, RFC 7520 cookbook) into .vectors/,
# each file checked against vectors/external-manifest.sha256. Mirror: JWTBENCH_VECTORS_MIRROR=URL.
vectors:
	bash scripts/vectors.sh $(abspath .vectors)

# Tests scripts/vectors.sh against file:// mirrors made from $(VECTORS) (a good, a corrupted
# and an incomplete mirror).
vectors-test:
	bash scripts/vectors-test.sh $(VECTORS)

clean:
	rm -rf .build .build-tsan .build-asan .build-fuzz .fuzz
