import Foundation
import JOSECrypto

/// The fixed, committed test keys the mint signs with (`vectors/keys/`): one key per JWS
/// algorithm, a second RSA and EC key for rotation, and an "attacker" key of each type that no
/// JWKS contains. Test-only material: the private halves are public in the repository.
public struct TestKeySet: Sendable {
    /// Private JWKs by name (`rs256-1`, `rsa-2`, `attacker-ec256`, ...); the name is the `kid`.
    public let keys: [String: JWK]

    /// The names `generate` makes, with the algorithm each is for (nil: fits its whole family,
    /// for rotation keys that serve RS*/PS* or ES256 alike).
    public static let layout: [(name: String, algorithm: JWSAlgorithm, pinned: Bool)] = [
        ("rs256-1", .rs256, true), ("rs384-1", .rs384, true), ("rs512-1", .rs512, true),
        ("ps256-1", .ps256, true), ("ps384-1", .ps384, true), ("ps512-1", .ps512, true),
        ("es256-1", .es256, true), ("es384-1", .es384, true), ("es512-1", .es512, true),
        ("eddsa-1", .edDSA, true), ("hs256-1", .hs256, true), ("hs384-1", .hs384, true), ("hs512-1", .hs512, true),
        ("rsa-2", .rs256, false), ("ec-2", .es256, false),
        ("attacker-rsa", .rs256, false), ("attacker-ec256", .es256, false), ("attacker-ec384", .es384, false),
        ("attacker-ec521", .es512, false), ("attacker-ed25519", .edDSA, false),
        ("attacker-hs256", .hs256, false), ("attacker-hs384", .hs384, false), ("attacker-hs512", .hs512, false),
    ]

    public init(keys: [String: JWK]) { self.keys = keys }

    /// Fresh keys in `layout` (RSA 2048 bits). Pinned keys carry their `alg`; rotation and
    /// attacker keys do not, so they fit every algorithm of their family.
    public static func generate() throws -> TestKeySet {
        var keys: [String: JWK] = [:]
        for entry in layout {
            var key = try KeyGenerator.generate(for: entry.algorithm, kid: entry.name)
            if !entry.pinned { key.alg = nil }
            keys[entry.name] = key
        }
        return TestKeySet(keys: keys)
    }

    /// The name of the pinned key for `algorithm` (`Ed25519` shares `eddsa-1`).
    public static func keyName(for algorithm: JWSAlgorithm) -> String {
        algorithm == .ed25519 ? "eddsa-1" : algorithm.rawValue.lowercased() + "-1"
    }

    /// The attacker key of `algorithm`'s key type and curve.
    public static func attackerName(for algorithm: JWSAlgorithm) -> String {
        switch algorithm.family {
        case .rsaPKCS1, .rsaPSS: return "attacker-rsa"
        case .ecdsa(let curve):
            switch curve {
            case .p256: return "attacker-ec256"
            case .p384: return "attacker-ec384"
            case .p521: return "attacker-ec521"
            }
        case .eddsa: return "attacker-ed25519"
        case .hmac: return "attacker-" + algorithm.rawValue.lowercased()
        }
    }

    /// The rotation key for `algorithm`, when the set has one (RSA family and ES256).
    public static func rotationName(for algorithm: JWSAlgorithm) -> String? {
        switch algorithm.family {
        case .rsaPKCS1, .rsaPSS: return "rsa-2"
        case .ecdsa(.p256): return "ec-2"
        default: return nil
        }
    }

    public func key(_ name: String) throws -> JWK {
        guard let k = keys[name] else { throw MintError.missingKey(name) }
        return k
    }

    /// What a validator trusts: every non-attacker key, public halves (HMAC secrets as they are).
    public var trustedJWKS: JWKSet {
        let names = Self.layout.map(\.name).filter { !$0.hasPrefix("attacker-") }
        return JWKSet(keys: names.compactMap { keys[$0].map { $0.kty == "oct" ? $0 : $0.publicKey } })
    }

    // MARK: files

    /// Writes one `<name>.jwk.json` per key, plus `jwks.json` (the trusted public set).
    public func write(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, key) in keys {
            try Data((key.jsonString() + "\n").utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent("\(name).jwk.json"))
        }
        try Data((trustedJWKS.jsonString() + "\n").utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent("jwks.json"))
    }

    /// Reads every `<name>.jwk.json` of `layout` from `directory`.
    public static func load(from directory: String) throws -> TestKeySet {
        var keys: [String: JWK] = [:]
        for entry in layout {
            let path = URL(fileURLWithPath: directory).appendingPathComponent("\(entry.name).jwk.json").path
            guard let data = FileManager.default.contents(atPath: path) else { throw MintError.keyFile(path) }
            keys[entry.name] = try JWK(json: String(decoding: data, as: UTF8.self))
        }
        return TestKeySet(keys: keys)
    }

    /// Finds the committed key set: `$JWTBENCH_KEYS`, `./vectors/keys`, beside the executable's
    /// checkout (`.build/<config>/jwtbench` → `vectors/keys`), or this source file's checkout.
    public static func locate(filePath: String = #filePath) -> String? {
        ProjectFolder.locate(
            "vectors/keys", containing: "rs256-1.jwk.json", preferred: ProcessInfo.processInfo.environment["JWTBENCH_KEYS"],
            filePath: filePath)
    }

    /// The committed key set, or an error that says where it was looked for.
    public static func loadDefault() throws -> TestKeySet {
        guard let dir = locate() else { throw MintError.noKeySet }
        return try load(from: dir)
    }
}

/// Why minting could not run.
public enum MintError: Error, CustomStringConvertible, Sendable {
    case missingKey(String)
    case keyFile(String)
    case noKeySet
    case unknownVariant(String)
    case unknownAlgorithm(String)
    case unknownSize(String)
    case noCases(String)

    public var description: String {
        switch self {
        case .missingKey(let n): return "the test key set has no key \"\(n)\""
        case .keyFile(let p): return "cannot read test key \(p)"
        case .noKeySet:
            return "cannot find the test key set (vectors/keys): run from the repository, or set JWTBENCH_KEYS to its folder"
        case .unknownVariant(let v): return "unknown variant \"\(v)\" (see `jwtbench mint --list`)"
        case .unknownAlgorithm(let a): return "unknown algorithm \"\(a)\""
        case .unknownSize(let s): return "unknown size \"\(s)\"; use \(SizeClass.allCases.map(\.rawValue).joined(separator: ", "))"
        case .noCases(let why): return "no cases to mint: \(why)"
        }
    }
}
