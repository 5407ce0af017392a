// swift-tools-version:6.1
import PackageDescription

// The module graph is docs/ARCHITECTURE.md's (scripts/check-architecture.py holds them equal).
// The validation core (JOSECrypto + JWTValidation) depends on nothing but the system OpenSSL and
// swift-crypto; Policy adds Yams, KeySources the HTTP client; the harness modules bring the rest.
// The load driver counts allocations through jemalloc, linked as the process malloc. scripts/tsan.sh
// builds with JWTBENCH_NO_JEMALLOC=1: ThreadSanitizer's allocator aborts when it is handed
// memory jemalloc allocated, so that build leaves jemalloc out (allocation figures: n/a).
let jemalloc: [Target.Dependency] = Context.environment["JWTBENCH_NO_JEMALLOC"] == nil ? ["CJemalloc"] : []

let package = Package(
    name: "jwtbench",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "JOSECrypto", targets: ["JOSECrypto"]),
        .library(name: "JWTValidation", targets: ["JWTValidation"]),
        .library(name: "Revocation", targets: ["Revocation"]),
        .library(name: "Policy", targets: ["Policy"]),
        // For bench/ (the verified-token cache's hit rate).
        .library(name: "KeySources", targets: ["KeySources"]),
        .executable(name: "jwtbench", targets: ["jwtbench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.25.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // <sys/epoll.h>, for the HTTP load driver (Linux only, as the whole harness).
        .systemLibrary(name: "CEpoll"),
        .systemLibrary(name: "CJemalloc", pkgConfig: "jemalloc", providers: [.apt(["libjemalloc-dev"])]),
        // P-256 point arithmetic for ES256 with per-key tables (see p256.c for why it is ours).
        .target(name: "CP256"),
        .target(
            name: "JOSECrypto",
            dependencies: [
                "COpenSSL", "CP256",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // The validation core: extraction, strict JWS/JSON parsing, claims, the validator and
        // its decisions. No I/O and no document formats.
        .target(name: "JWTValidation", dependencies: ["JOSECrypto"]),
        // ngrok Traffic Policy documents (YAML/JSON, ERR_NGROK codes) into validator rules,
        // token locations and key-source settings; the CLI's request files.
        .target(
            name: "Policy",
            dependencies: ["JOSECrypto", "JWTValidation", "Measurement", "Revocation", .product(name: "Yams", package: "Yams")]
        ),
        // The token denylist: a compact immutable list of 128-bit fingerprints, its file
        // format, and the holder and reloader that swap lists without a lock on the hot path.
        .target(name: "Revocation", dependencies: ["JOSECrypto", "JWTValidation"]),
        .target(
            name: "KeySources",
            dependencies: [
                "JOSECrypto", "JWTValidation", "Policy", "Measurement",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "TokenMint", dependencies: ["JOSECrypto", "JWTValidation", "Policy", "Revocation"]),
        .target(
            name: "Issuer",
            dependencies: [
                "JOSECrypto", "TokenMint", "Measurement",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Every report writer: HdrHistogram files, JSON/Markdown/HTML, JUnit, TAP, decisions.
        .target(
            name: "Reports",
            dependencies: ["JWTValidation", "CZlib", .product(name: "Histogram", package: "hdrhistogram-swift")]
        ),
        // Clocks (monotonic, thread CPU) and the duration and rate texts of documents and
        // commands. No dependencies, so the core's key cache and the harness share one clock
        // and one duration syntax.
        .target(name: "Measurement"),
        // Conformance suites (ours, Wycheproof, RFC 7515/7520) judged against expectations.
        .target(
            name: "Conformance",
            dependencies: ["JOSECrypto", "JWTValidation", "Policy", "TokenMint", "Reports"]
        ),
        // The load driver: corpus, workers, closed/open loop, speed and profile engines.
        .target(
            name: "LoadDriver",
            dependencies: [
                "JOSECrypto", "JWTValidation", "Policy", "KeySources", "TokenMint", "Reports", "Measurement", "Revocation",
                "CEpoll",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ] + jemalloc
        ),
        // Key-cache strategies compared through rotation, outages and kid floods.
        .target(
            name: "CacheCompare",
            dependencies: [
                "JOSECrypto", "JWTValidation", "Policy", "KeySources", "Issuer", "Reports", "Measurement",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The gateway: the policy enforced in front of an upstream (SwiftNIO reverse proxy),
        // with an admin listener (readiness, Prometheus metrics) and a JSON access log.
        .target(
            name: "Gateway",
            dependencies: [
                "JOSECrypto", "JWTValidation", "Policy", "KeySources", "Measurement", "Revocation",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The echo upstream: records every request it receives and answers 200 (conform
        // --target's upstream, an origin that costs nothing for load runs).
        .target(
            name: "Echo",
            dependencies: [
                "JWTValidation", "Measurement",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The request-shaped conformance cases against any gateway over HTTP, judged by what
        // the client got and what reached the echo upstream.
        .target(
            name: "GatewayConformance",
            dependencies: ["JOSECrypto", "JWTValidation", "Policy", "TokenMint", "Reports", "Conformance", "Echo"]
        ),
        // The configuration that makes a gateway (jwtbench, ngrok, Envoy, NGINX Plus, Apache
        // mod_auth_openidc) enforce a jwtbench policy with keys from a key server.
        .target(name: "TargetConfig", dependencies: ["JOSECrypto", "JWTValidation", "Policy", "TokenMint"]),
        // The jobs behind the commands: `run`'s main job and the steps it shares with
        // conform and cache-compare, and verify's and mint's.
        .target(
            name: "MainJob",
            dependencies: [
                "JOSECrypto", "JWTValidation", "Policy", "KeySources", "TokenMint", "Reports", "Measurement",
                "Conformance", "LoadDriver", "CacheCompare", "Revocation", "Echo", "GatewayConformance",
            ]
        ),
        .executableTarget(
            name: "jwtbench",
            dependencies: [
                "JOSECrypto", "KeySources", "TokenMint", "Issuer", "Reports", "Measurement", "Conformance",
                "LoadDriver", "CacheCompare", "MainJob", "Gateway", "Revocation", "Echo", "TargetConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "JOSECryptoTests", dependencies: ["JOSECrypto"]),
        .testTarget(name: "JWTValidationTests", dependencies: ["JWTValidation", "JOSECrypto"]),
        .testTarget(name: "PolicyTests", dependencies: ["Policy", "JWTValidation", "JOSECrypto"]),
        .testTarget(
            name: "RevocationTests",
            dependencies: ["Revocation", "KeySources", "Policy", "TokenMint", "JWTValidation", "JOSECrypto"]
        ),
        .testTarget(name: "TokenMintTests", dependencies: ["TokenMint", "Policy", "JWTValidation", "JOSECrypto"]),
        .testTarget(
            name: "KeySourcesTests",
            dependencies: [
                "KeySources", "Policy", "Issuer", "JWTValidation", "JOSECrypto", "TokenMint",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "IssuerTests", dependencies: ["Issuer", "JOSECrypto", "TokenMint"]),
        .testTarget(name: "MeasurementTests", dependencies: ["Measurement"]),
        .testTarget(
            name: "ConformanceTests",
            dependencies: ["Conformance", "Reports", "TokenMint", "Policy", "JWTValidation", "JOSECrypto"]
        ),
        .testTarget(
            name: "LoadDriverTests",
            dependencies: [
                "LoadDriver", "Measurement", "Reports", "TokenMint", "Policy", "KeySources", "Issuer",
                "JWTValidation", "JOSECrypto", .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // Test support, not shipped: the gateway's client-request and upstream-response parsers
        // read beside NIOHTTP1's decoders (GatewayTests, FuzzClientRequest, FuzzUpstreamResponse).
        .target(
            name: "HTTPParserReference",
            dependencies: [
                "Gateway", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/HTTPParserReference"
        ),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "Policy", "JWTValidation", "JOSECrypto", "TokenMint", "KeySources", "Issuer", "Revocation",
                "HTTPParserReference",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "EchoTests", dependencies: ["Echo"]),
        .testTarget(
            name: "TargetConfigTests",
            dependencies: ["TargetConfig", "Policy", "TokenMint", "JWTValidation", .product(name: "Yams", package: "Yams")]),
        .testTarget(
            name: "GatewayConformanceTests",
            dependencies: [
                "GatewayConformance", "Echo", "Gateway", "Conformance", "Reports", "TokenMint", "Policy", "JWTValidation",
                "JOSECrypto",
            ]
        ),
        .testTarget(name: "CacheCompareTests", dependencies: ["CacheCompare", "Reports"]),
        // Runs the built `jwtbench` binary: the verify output and every command's exit codes.
        // Yams reads the Kubernetes manifests under deploy/ (DeployManifestTests).
        .testTarget(name: "CLITests", dependencies: ["jwtbench", .product(name: "Yams", package: "Yams")]),
        .testTarget(
            name: "ReportsTests",
            dependencies: ["Reports", .product(name: "Histogram", package: "hdrhistogram-swift")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// The libFuzzer targets (Fuzz/, docs/fuzzing.md), declared only when JWTBENCH_FUZZ is set:
// scripts/fuzz.sh builds them with -sanitize=fuzzer,address in a scratch path of their own
// (.build-fuzz, no manifest cache), so the normal build and its tests never see them. Each
// target is one folder Fuzz/<Name>/ whose `main` hands its LLVMFuzzerTestOneInput to libFuzzer.
if Context.environment["JWTBENCH_FUZZ"] != nil {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzBase64URL", ["JOSECrypto"]),
        ("FuzzJSONScanner", ["JWTValidation"]),
        ("FuzzValidator", ["JWTValidation", "JOSECrypto"]),
        ("FuzzRSA", ["JOSECrypto", "COpenSSL", "TokenMint"]),
        ("FuzzPolicy", ["Policy", "JWTValidation"]),
        ("FuzzJWKS", ["KeySources", "JOSECrypto"]),
        ("FuzzRequest", ["Policy", "JWTValidation"]),
        (
            "FuzzGatewayRequest",
            [
                "Gateway", "Policy", "JWTValidation", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        ("FuzzUpstreamResponse", ["HTTPParserReference"]),
        ("FuzzClientRequest", ["HTTPParserReference"]),
    ]
    package.targets += [
        .target(name: "CFuzzDriver", path: "Fuzz/CFuzzDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzDriver", "JOSECrypto", "COpenSSL", "TokenMint"], path: "Fuzz/FuzzSupport"),
    ]
    package.targets += fuzzTargets.map { target in
        .executableTarget(name: target.name, dependencies: ["FuzzSupport"] + target.dependencies, path: "Fuzz/\(target.name)")
    }
}
