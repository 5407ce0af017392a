import Foundation
import JOSECrypto
import JWTValidation

/// Signers for the test key set, built once per key, algorithm and seed (parsing a private key
/// costs hundreds of microseconds) and shared by the minting threads.
public final class SignerCache: @unchecked Sendable {
    // @unchecked: `signers` is only touched under `lock`. An NSLock (a pthread mutex) rather
    // than Synchronization's Mutex, whose contended path on Linux (a futex wait in the
    // uninstrumented standard library) ThreadSanitizer cannot see: scripts/tsan.sh reported
    // the minting threads' inserts as a race through it.
    public let keySet: TestKeySet
    private let lock = NSLock()
    private var signers: [String: any SignatureSigner] = [:]

    public init(keySet: TestKeySet) { self.keySet = keySet }

    /// The signer of key `name` under `algorithm` for a mint with `seed`. Its signatures are a
    /// function of the seed and the signing input (ES* and PS* included), so a mint regenerates
    /// byte for byte.
    public func signer(key name: String, algorithm: JWSAlgorithm, seed: UInt64) throws -> any SignatureSigner {
        let cacheKey = "\(name)/\(algorithm.rawValue)/\(seed)"
        if let s = lock.withLock({ signers[cacheKey] }) { return s }
        let made = try OpenSSLBackend().makeSeededSigner(
            key: try keySet.key(name), algorithm: algorithm, seed: Self.signingSeed(seed))
        lock.withLock { signers[cacheKey] = made }
        return made
    }

    /// The bytes the signatures' randomness derives from: the mint seed, under a label that
    /// keeps it apart from any other use of the same number.
    static func signingSeed(_ seed: UInt64) -> [UInt8] {
        Array("jwtbench mint seed ".utf8) + withUnsafeBytes(of: seed.bigEndian) { Array($0) }
    }

    /// A signer for an arbitrary secret (the key-confusion variant signs with public key bytes).
    public func hmacSigner(secret: [UInt8], algorithm: JWSAlgorithm) throws -> any SignatureSigner {
        try OpenSSLBackend().makeSigner(key: JWK(kty: "oct", k: Base64URL.encode(secret)), algorithm: algorithm)
    }
}

/// Everything one case's builder needs.
public struct MintContext {
    public let algorithm: JWSAlgorithm
    public let size: SizeClass
    public let now: Int64
    /// The mint's seed: ES* and PS* signatures derive their randomness from it and the message.
    public let seed: UInt64
    public var rng: MintRandom
    public let signers: SignerCache

    public var keySet: TestKeySet { signers.keySet }
    /// The pinned key's name (and kid) for this algorithm.
    public var keyName: String { TestKeySet.keyName(for: algorithm) }

    /// A good claims set of this case's size.
    public mutating func claims() -> ClaimsSet { ClaimsTemplate.make(size, now: now, rng: &rng) }

    /// `{"alg":...,"typ":"JWT","kid":...}` plus `extra` members (raw JSON, comma-separated).
    public func header(alg: String? = nil, kid: String?? = .none, typ: String? = "JWT", extra: String = "") -> String {
        var members = ["\"alg\":\(ClaimsSet.quote(alg ?? algorithm.rawValue))"]
        if let typ { members.append("\"typ\":\(ClaimsSet.quote(typ))") }
        if let kid = kid ?? keyName { members.append("\"kid\":\(ClaimsSet.quote(kid))") }
        if !extra.isEmpty { members.append(extra) }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// A compact JWS of `header` and `payload` signed with key `key` (default: the pinned key).
    public func sign(header: String, payload: String, key: String? = nil, algorithm alg: JWSAlgorithm? = nil) throws -> String {
        let signer = try signers.signer(key: key ?? keyName, algorithm: alg ?? algorithm, seed: seed)
        return try CompactJWS.sign(header: header, payload: payload, with: signer)
    }

    /// A good token for this case, with claims changed by `edit`.
    public mutating func token(header: String? = nil, key: String? = nil, edit: (inout ClaimsSet) -> Void = { _ in }) throws -> String {
        var c = claims()
        edit(&c)
        return try sign(header: header ?? self.header(), payload: c.json, key: key)
    }
}
