// swift-tools-version:6.1
import PackageDescription

// The validation core (JOSECrypto + JWTValidation) must stay usable alone, so it depends on
// nothing but the system OpenSSL and Yams (policy documents); the harness modules bring the rest.
// The harness counts allocations through jemalloc, linked as the process malloc. scripts/tsan.sh
// builds with JWTBENCH_NO_JEMALLOC=1: ThreadSanitizer's allocator aborts when it is handed
// memory jemalloc allocated, so that build leaves jemalloc out (allocation figures: n/a).
let jemalloc: [Target.Dependency] = Context.environment["JWTBENCH_NO_JEMALLOC"] == nil ? ["CJemalloc"] : []

let package = Package(
    name: "jwtbench",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "JOSECrypto", targets: ["JOSECrypto"]),
        .library(name: "JWTValidation", targets: ["JWTValidation"]),
        // For bench/ (the verified-token cache's hit rate).
        .library(name: "KeySources", targets: ["KeySources"]),
        .executable(name: "jwtbench", targets: ["jwtbench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.25.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
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
        .target(
            name: "JWTValidation",
            dependencies: ["JOSECrypto", .product(name: "Yams", package: "Yams")]
        ),
        .target(name: "TokenMint", dependencies: ["JOSECrypto", "JWTValidation"]),
        .target(
            name: "KeySources",
            dependencies: [
                "JOSECrypto", "JWTValidation",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Issuer",
            dependencies: [
                "JOSECrypto", "TokenMint",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Harness",
            dependencies: [
                "JOSECrypto", "JWTValidation", "TokenMint", "Reports", "KeySources", "Issuer",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Logging", package: "swift-log"),
            ] + jemalloc
        ),
        .target(
            name: "Reports",
            dependencies: ["CZlib", .product(name: "Histogram", package: "hdrhistogram-swift")]
        ),
        .executableTarget(
            name: "jwtbench",
            dependencies: [
                "JOSECrypto", "JWTValidation", "TokenMint", "Reports", "KeySources", "Issuer", "Harness",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "JOSECryptoTests", dependencies: ["JOSECrypto"]),
        .testTarget(name: "JWTValidationTests", dependencies: ["JWTValidation", "JOSECrypto"]),
        .testTarget(name: "TokenMintTests", dependencies: ["TokenMint", "JWTValidation", "JOSECrypto"]),
        .testTarget(name: "KeySourcesTests", dependencies: ["KeySources", "Issuer", "JWTValidation", "JOSECrypto", "TokenMint"]),
        .testTarget(name: "IssuerTests", dependencies: ["Issuer", "JOSECrypto", "TokenMint"]),
        .testTarget(
            name: "HarnessTests",
            dependencies: ["Harness", "Reports", "TokenMint", "JWTValidation", "JOSECrypto",
                           .product(name: "Histogram", package: "hdrhistogram-swift")]
        ),
        .testTarget(
            name: "ReportsTests",
            dependencies: ["Reports", .product(name: "Histogram", package: "hdrhistogram-swift")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
