// swift-tools-version:6.1
import PackageDescription

// Microbenchmarks and the jwt-kit comparison for jwtbench. A package of its own, so that the
// main package (and `make test` / CI) never builds package-benchmark or jwt-kit.
//
//   swift package benchmark                      # all benchmarks (release build)
//   swift package benchmark thresholds check     # mallocs against Thresholds/
//   ./compare.sh                                 # ours vs jwt-kit vs raw, 1 and N threads
let package = Package(
    name: "jwtbench-bench",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "jwtbench", path: ".."),
        // Explicit traits replace the defaults: MallocInterposer (malloc counts) without the
        // Swift 6.3 runtime interposer (ARC counts), which is not available here.
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
    ],
    targets: [
        // Keys, tokens and the jwt-kit set-up shared by the benchmarks and bench-compare.
        .target(
            name: "BenchFixtures",
            dependencies: [
                .product(name: "JOSECrypto", package: "jwtbench"),
                .product(name: "JWTValidation", package: "jwtbench"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ]
        ),
        .executableTarget(
            name: "Stages",
            dependencies: [
                "BenchFixtures",
                .product(name: "JOSECrypto", package: "jwtbench"),
                .product(name: "JWTValidation", package: "jwtbench"),
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/Stages",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "Validation",
            dependencies: [
                "BenchFixtures",
                .product(name: "JOSECrypto", package: "jwtbench"),
                .product(name: "JWTValidation", package: "jwtbench"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/Validation",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        // Timed loops for compare.sh: ours, jwt-kit and raw verify, interleaved, 1 and N threads.
        .executableTarget(
            name: "bench-compare",
            dependencies: [
                "BenchFixtures",
                .product(name: "JOSECrypto", package: "jwtbench"),
                .product(name: "JWTValidation", package: "jwtbench"),
                .product(name: "KeySources", package: "jwtbench"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ]
        ),
        // relay.sh: a byte relay and an HTTP relay on NIO, the floor of a NIO proxy hop.
        .executableTarget(
            name: "nio-relay",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
