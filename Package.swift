// swift-tools-version:6.1
import PackageDescription

// The validation core (JOSECrypto + JWTValidation) must stay usable alone, so it depends on
// nothing but the system OpenSSL and Yams (policy documents); the harness modules bring the rest.
let package = Package(
    name: "jwtbench",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "JOSECrypto", targets: ["JOSECrypto"]),
        .library(name: "JWTValidation", targets: ["JWTValidation"]),
        .executable(name: "jwtbench", targets: ["jwtbench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(
            name: "JOSECrypto",
            dependencies: ["COpenSSL"]
        ),
        .target(
            name: "JWTValidation",
            dependencies: ["JOSECrypto", .product(name: "Yams", package: "Yams")]
        ),
        .executableTarget(
            name: "jwtbench",
            dependencies: [
                "JOSECrypto", "JWTValidation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "JOSECryptoTests", dependencies: ["JOSECrypto"]),
        .testTarget(name: "JWTValidationTests", dependencies: ["JWTValidation", "JOSECrypto"]),
    ],
    swiftLanguageModes: [.v6]
)
