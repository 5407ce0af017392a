import Foundation
import JOSECrypto
import Synchronization
import Testing

// Shared helpers for the JOSECrypto tests: where the public vectors live, hex, Wycheproof's
// file format, and matchers for the error cases the crypto layer throws.

// MARK: - Locating the vectors

/// The public test vectors (`/work/shared/vectors` in the workspace).
///
/// `JWTBENCH_VECTORS` names the folder explicitly; otherwise it is `../shared/vectors` next to
/// the package root, found from this file's path (not the working directory), so the location
/// does not depend on where `swift test` is started from. A folder named in
/// `JWTBENCH_VECTORS` that does not exist is a configuration error (`VectorsLocationTests`
/// fails); a missing default folder only skips the vector suites, with a printed note.
enum Vectors {
    /// `Tests/JOSECryptoTests/TestSupport.swift` -> the package root.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // JOSECryptoTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root

    static let environmentPath: String? = {
        guard let value = ProcessInfo.processInfo.environment["JWTBENCH_VECTORS"], !value.isEmpty else { return nil }
        return value
    }()

    static let root: URL = {
        if let environmentPath { return URL(fileURLWithPath: environmentPath).standardizedFileURL }
        return packageRoot.appendingPathComponent("../shared/vectors").standardizedFileURL
    }()

    static let available: Bool = {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) && isDirectory.boolValue
        if !exists {
            print(
                "JOSECryptoTests: vector folder \(root.path) not found: the vector-based suites are SKIPPED "
                    + "(set JWTBENCH_VECTORS to the folder to run them)")
        }
        return exists
    }()

    /// Shown by swift-testing next to every skipped vector suite.
    static let skipNote = Comment(rawValue: "skipped: no test vectors at \(root.path) (set JWTBENCH_VECTORS)")

    static func url(_ relativePath: String) -> URL { root.appendingPathComponent(relativePath) }

    /// The bytes of a vector file; a missing file is an error (never a silent pass).
    static func data(_ relativePath: String) throws -> Data {
        let url = url(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TestDataError("vector file \(url.path) is missing")
        }
        return try Data(contentsOf: url)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ relativePath: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: try data(relativePath))
        } catch let error as TestDataError {
            throw error
        } catch {
            throw TestDataError("\(relativePath) does not parse as \(T.self): \(error)")
        }
    }

    static func wycheproof(_ name: String) throws -> WycheproofFile {
        try decode(WycheproofFile.self, "wycheproof/testvectors_v1/\(name)")
    }
}

struct TestDataError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

// MARK: - Hex

/// Lowercase or uppercase hex to bytes; throws on odd length or a non-hex character.
func hexBytes(_ hex: String) throws -> [UInt8] {
    let chars = Array(hex.utf8)
    guard chars.count % 2 == 0 else { throw TestDataError("odd-length hex: \(hex.prefix(40))") }
    func nibble(_ c: UInt8) throws -> UInt8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: throw TestDataError("not hex: \(hex.prefix(40))")
        }
    }
    var out: [UInt8] = []
    out.reserveCapacity(chars.count / 2)
    var i = 0
    while i < chars.count {
        out.append(try nibble(chars[i]) << 4 | nibble(chars[i + 1]))
        i += 2
    }
    return out
}

/// An unsigned big-endian integer without leading zero octets (Wycheproof writes two's
/// complement, with a `00` in front when the top bit is set).
func stripLeadingZeros(_ bytes: [UInt8]) -> [UInt8] {
    let trimmed = Array(bytes.drop(while: { $0 == 0 }))
    return trimmed.isEmpty ? [0] : trimmed
}

/// An unsigned big-endian integer left-padded to exactly `size` bytes (nil when it is longer).
func leftPadded(_ bytes: [UInt8], to size: Int) -> [UInt8]? {
    let value = stripLeadingZeros(bytes)
    guard value.count <= size else { return nil }
    return [UInt8](repeating: 0, count: size - value.count) + value
}

/// `bytes` with bit `bit` of byte `index` inverted.
func flippingBit(_ bytes: [UInt8], byte index: Int, bit: Int) -> [UInt8] {
    var copy = bytes
    copy[index] ^= UInt8(1) << UInt8(bit)
    return copy
}

// MARK: - Wycheproof file format (testvectors_v1)

struct WycheproofFile: Decodable {
    let algorithm: String?
    let numberOfTests: Int
    let testGroups: [WycheproofGroup]
}

struct WycheproofGroup: Decodable {
    struct Source: Decodable { let name: String? }
    struct PublicKey: Decodable {
        let type: String?
        let curve: String?
        let wx: String?
        let wy: String?
        let modulus: String?
        let publicExponent: String?
        let pk: String?
    }

    let type: String?
    let source: Source?
    let sha: String?
    let mgfSha: String?
    let sLen: Int?
    let keySize: Int?
    let tagSize: Int?
    let publicKey: PublicKey?
    let publicKeyJwk: JWK?
    let keyJwk: JWK?
    let publicKeyPem: String?
    let publicKeyDer: String?
    let privateKeyPem: String?
    let privateKeyJwk: JWK?
    let tests: [WycheproofCase]
}

struct WycheproofCase: Decodable {
    let tcId: Int
    let comment: String
    let flags: [String]
    let key: String?
    let msg: String?
    let sig: String?
    let tag: String?
    let result: String
}

/// A Wycheproof primitive file and the JWS algorithm its groups map to (README section 1.3).
struct PrimitiveFile: Sendable, CustomTestStringConvertible {
    let name: String
    let algorithm: JWSAlgorithm
    var testDescription: String { "\(name) as \(algorithm.rawValue)" }
}

// MARK: - Backends under test

/// One backend configuration a test verifies with: OpenSSL under one call pattern, or BoringSSL.
struct BackendConfiguration: Sendable, CustomTestStringConvertible {
    /// `openssl/<pattern>` or `boringssl`, for messages.
    let name: String
    let backend: any CryptoBackend
    var testDescription: String { name }
}

/// The crypto backends the suites run against, passed as a test argument so that every suite
/// runs once per backend without copying it, and a failure or a count names its backend.
///
/// OpenSSL has three call patterns (each suite runs all three and checks they agree case by
/// case); BoringSSL (swift-crypto) has one.
enum BackendUnderTest: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case openssl, boringssl

    var testDescription: String { rawValue }

    /// The backend in its default configuration, for tests that need one verifier or signer.
    var backend: any CryptoBackend {
        switch self {
        case .openssl: return OpenSSLBackend()
        case .boringssl: return BoringSSLBackend()
        }
    }

    /// Every configuration of this backend.
    var configurations: [BackendConfiguration] {
        switch self {
        case .openssl:
            // per-thread twice: ES256 keys with their table of multiples made at import (every
            // vector through the fixed-base path), and as by default (a key's first uses take the
            // general path; the table comes after 8).
            return OpenSSLCallPattern.allCases.map {
                BackendConfiguration(name: "openssl/\($0.rawValue)", backend: OpenSSLBackend(pattern: $0))
            }
                + [
                    BackendConfiguration(
                        name: "openssl/per-thread+key-tables", backend: OpenSSLBackend(pattern: .perThreadContext, keyTables: .eager))
                ]
        case .boringssl:
            return [BackendConfiguration(name: "boringssl", backend: BoringSSLBackend())]
        }
    }

    /// Every configuration of every backend.
    static let allConfigurations: [BackendConfiguration] = allCases.flatMap(\.configurations)
}

/// What a Wycheproof file came to under one backend configuration.
struct WycheproofReport {
    var validAccepted = 0
    var invalidRejected = 0
    /// `acceptable` cases: our rule is strict (they must be rejected); both counts are kept.
    var acceptableRejected = 0
    var acceptableAccepted = 0
    /// Cases whose group was not run (no usable JWK and none could be built).
    var skipped = 0
    /// Cases run with a JWK this test built from raw key fields (e.g. ECDSA `wx`/`wy`).
    var fromRawKey = 0
    /// Mismatches with the expected result (each also recorded as a test issue).
    var failures = 0
    /// tcId -> accepted, to compare configurations.
    var outcomes: [Int: Bool] = [:]

    var run: Int { outcomes.count }

    var summary: String {
        "\(run) run: \(validAccepted) valid verified, \(invalidRejected) invalid rejected, "
            + "\(acceptableRejected + acceptableAccepted) acceptable (\(acceptableRejected) rejected, \(acceptableAccepted) accepted)"
            + (fromRawKey > 0 ? ", \(fromRawKey) with a JWK built from raw key fields" : "")
            + (skipped > 0 ? ", \(skipped) skipped" : "")
            + (failures > 0 ? ", \(failures) FAILURES" : "")
    }
}

enum WycheproofRunner {
    /// The key for a group (nil skips the group), and whether it was built from raw fields.
    typealias KeySource = (WycheproofGroup) throws -> (jwk: JWK, builtFromRaw: Bool)?

    /// Runs every case of `file` through `makeVerifier(key:algorithm:)` + `verify`, the
    /// production path. valid must verify; invalid must fail (a refused key also counts as
    /// failing); acceptable must fail too (strict rule).
    static func run(
        _ file: WycheproofFile, named name: String, algorithm: JWSAlgorithm, configuration: BackendConfiguration,
        groups: (WycheproofGroup) -> Bool = { _ in true },
        key: KeySource,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> WycheproofReport {
        let backend = configuration.backend
        var report = WycheproofReport()
        for group in file.testGroups {
            guard groups(group), let (jwk, fromRaw) = try key(group) else {
                report.skipped += group.tests.count
                continue
            }
            let verifier: (any SignatureVerifier)?
            var refusal = ""
            do {
                verifier = try backend.makeVerifier(key: jwk, algorithm: algorithm)
            } catch {
                verifier = nil
                refusal = "\(error)"
            }
            for test in group.tests {
                let message = try hexBytes(test.msg ?? "")
                let signature = try hexBytes(test.sig ?? test.tag ?? "")
                let accepted = verifier?.verify(signature: signature, message: message) ?? false
                report.outcomes[test.tcId] = accepted
                if fromRaw { report.fromRawKey += 1 }
                let wanted: Bool
                switch test.result {
                case "valid":
                    wanted = true
                    if accepted { report.validAccepted += 1 }
                case "invalid":
                    wanted = false
                    if !accepted { report.invalidRejected += 1 }
                case "acceptable":
                    // Strict rule: a JWT validator rejects legacy encodings (README 1.1).
                    wanted = false
                    if accepted { report.acceptableAccepted += 1 } else { report.acceptableRejected += 1 }
                default:
                    throw TestDataError("\(name) tcId \(test.tcId): unknown result \(test.result)")
                }
                if accepted != wanted {
                    report.failures += 1
                    Issue.record(
                        Comment(
                            rawValue: "\(name) tcId \(test.tcId) [\(configuration.name), \(algorithm.rawValue)] "
                                + "\(test.comment) \(test.flags): expected \(test.result), got \(accepted ? "accepted" : "rejected")"
                                + (verifier == nil ? " (makeVerifier threw: \(refusal))" : "")),
                        sourceLocation: sourceLocation)
                }
            }
        }
        return report
    }

    /// Runs `file` under every configuration of `backend` (OpenSSL's three call patterns,
    /// BoringSSL's one), checks that each file produced cases, that every case was either run or
    /// deliberately skipped, and that the configurations agree case by case.
    static func runAllConfigurations(
        _ name: String, algorithm: JWSAlgorithm, backend: BackendUnderTest,
        groups: (WycheproofGroup) -> Bool = { _ in true },
        expectSkipped: Int = 0,
        key: KeySource,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> WycheproofReport {
        let file = try Vectors.wycheproof(name)
        var reports: [(BackendConfiguration, WycheproofReport)] = []
        for configuration in backend.configurations {
            reports.append(
                (
                    configuration,
                    try run(
                        file, named: name, algorithm: algorithm, configuration: configuration,
                        groups: groups, key: key, sourceLocation: sourceLocation)
                ))
        }
        let (_, first) = reports[0]
        #expect(first.run > 0, "\(name): no case was run", sourceLocation: sourceLocation)
        #expect(
            first.run + first.skipped == file.numberOfTests,
            "\(name): \(first.run) run + \(first.skipped) skipped != numberOfTests \(file.numberOfTests)",
            sourceLocation: sourceLocation)
        #expect(
            first.skipped == expectSkipped, "\(name): skipped \(first.skipped), expected \(expectSkipped)",
            sourceLocation: sourceLocation)
        for (configuration, report) in reports.dropFirst() {
            #expect(
                report.outcomes == first.outcomes,
                "\(name): \(configuration.name) disagrees with \(reports[0].0.name)",
                sourceLocation: sourceLocation)
        }
        print("wycheproof \(name) as \(algorithm.rawValue) [\(reports.map(\.0.name).joined(separator: ", "))]: \(first.summary)")
        return first
    }
}

// MARK: - Error matchers

/// Runs `body`, which must throw `JOSECryptoError.keyDoesNotFitAlgorithm(algorithm, _)`;
/// returns the message so callers can check it names the reason.
@discardableResult
func expectKeyDoesNotFit<T>(
    _ algorithm: JWSAlgorithm, _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T
) -> String? {
    do {
        _ = try body()
        Issue.record(
            Comment(rawValue: "\(what): expected keyDoesNotFitAlgorithm(\(algorithm.rawValue)), but nothing was thrown"),
            sourceLocation: sourceLocation)
    } catch JOSECryptoError.keyDoesNotFitAlgorithm(let got, let message) {
        #expect(got == algorithm, "\(what): refusal names \(got.rawValue), not \(algorithm.rawValue)", sourceLocation: sourceLocation)
        #expect(!message.isEmpty, "\(what): refusal without a reason", sourceLocation: sourceLocation)
        return message
    } catch {
        Issue.record(
            Comment(rawValue: "\(what): expected keyDoesNotFitAlgorithm(\(algorithm.rawValue)), got \(error)"),
            sourceLocation: sourceLocation)
    }
    return nil
}

/// Runs `body`, which must throw `JOSECryptoError.invalidKey(_)`; returns the message.
@discardableResult
func expectInvalidKey<T>(
    _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T
) -> String? {
    do {
        _ = try body()
        Issue.record(Comment(rawValue: "\(what): expected invalidKey, but nothing was thrown"), sourceLocation: sourceLocation)
    } catch JOSECryptoError.invalidKey(let message) {
        #expect(!message.isEmpty, "\(what): invalidKey without a reason", sourceLocation: sourceLocation)
        return message
    } catch {
        Issue.record(Comment(rawValue: "\(what): expected invalidKey, got \(error)"), sourceLocation: sourceLocation)
    }
    return nil
}

// MARK: - Compact JWS

/// A compact JWS split the way a verifier must see it: the signing input is the received
/// ASCII text `header.payload` (never re-serialised), the signature the decoded third segment.
struct CompactJWS {
    let signingInput: [UInt8]
    let signature: [UInt8]
    let headerSegment: String

    init(_ token: String) throws {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw TestDataError("not a three-segment compact JWS: \(token.prefix(60))") }
        guard let signature = Base64URL.decode(String(parts[2])) else {
            throw TestDataError("signature segment is not strict base64url")
        }
        headerSegment = String(parts[0])
        signingInput = Array("\(parts[0]).\(parts[1])".utf8)
        self.signature = signature
    }
}

/// Every byte position, with the flipped bit rotating through 0...7, so both high and low bits
/// and every byte (including the leading and trailing ones) are exercised.
func flipPositions(_ count: Int) -> [(byte: Int, bit: Int)] {
    (0..<count).map { ($0, $0 % 8) }
}

// MARK: - Shared generated keys

/// Generated keys shared by the tests (RSA key generation costs ~0.3 s per key here). Slot 0
/// and slot 1 are different keys. The six RSA algorithms share their keys (only `alg`
/// differs), as do EdDSA and Ed25519.
enum TestKeys {
    private static let cache = Mutex<[String: JWK]>([:])

    static func key(for algorithm: JWSAlgorithm, slot: Int = 0) throws -> JWK {
        let family: String
        switch algorithm.family {
        case .rsaPKCS1, .rsaPSS: family = "RSA"
        case .eddsa: family = "Ed25519"
        case .hmac, .ecdsa: family = algorithm.rawValue
        }
        let name = "\(family)#\(slot)"
        var key = try cache.withLock { keys throws -> JWK in
            if let key = keys[name] { return key }
            let key = try KeyGenerator.generate(for: algorithm)
            keys[name] = key
            return key
        }
        key.alg = algorithm.rawValue
        return key
    }
}
