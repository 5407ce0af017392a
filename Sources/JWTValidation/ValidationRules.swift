import JOSECrypto

/// The checks a `Validator` applies, compiled from a `Policy` into the forms the hot path
/// compares directly (byte arrays, an algorithm bit set).
public struct ValidationRules: Sendable {
    /// Allowed `iss` values (exact match). Empty means no issuer check (signature-only use).
    public let issuers: [String]
    /// Allowed `aud` values; empty means no audience check.
    public let audiences: [String]
    public let allowedAlgorithms: [JWSAlgorithm]
    /// Seconds of clock skew tolerated on `exp` and `nbf` (our extension; ngrok uses 0).
    public let leeway: Int64
    /// Deny tokens without `exp` (our extension).
    public let requireExpiration: Bool
    /// Deny tokens whose `exp` lies further than this after `iat` (our extension).
    public let maxLifetime: Int64?
    /// Tokens longer than this are denied before any other work.
    public let maxTokenBytes: Int
    /// The kind of a bare token (one not extracted from a request), which decides the `typ`
    /// it must carry (`at+jwt` and `it+jwt` require theirs).
    public let tokenType: TokenType
    /// False for raw JWS checks (test vectors whose payload is not a claims set): the payload
    /// is then not parsed and no claim is checked.
    public let checksClaims: Bool
    /// Encrypted tokens (JWE): which kind of token is required and how to decrypt; the
    /// default accepts signed tokens (JWS) only.
    public let encryption: EncryptionRules

    let issuerBytes: [[UInt8]]
    let audienceBytes: [[UInt8]]
    let algorithmMask: UInt32

    /// The size cap when a policy sets no `max_token_bytes`: 16 KiB, well above real tokens.
    public static let defaultMaxTokenBytes = 16 * 1024

    public init(
        issuers: [String], audiences: [String] = [], allowedAlgorithms: [JWSAlgorithm],
        leeway: Int64 = 0, requireExpiration: Bool = false, maxLifetime: Int64? = nil,
        maxTokenBytes: Int = ValidationRules.defaultMaxTokenBytes, tokenType: TokenType = .jwt,
        checksClaims: Bool = true, encryption: EncryptionRules = .signedOnly
    ) {
        self.issuers = issuers
        self.audiences = audiences
        self.allowedAlgorithms = allowedAlgorithms
        self.leeway = max(0, leeway)
        self.requireExpiration = requireExpiration
        self.maxLifetime = maxLifetime
        self.maxTokenBytes = maxTokenBytes
        self.tokenType = tokenType
        self.checksClaims = checksClaims
        self.encryption = encryption
        self.issuerBytes = issuers.map { Array($0.utf8) }
        self.audienceBytes = audiences.map { Array($0.utf8) }
        self.algorithmMask = allowedAlgorithms.reduce(0) { $0 | (1 << UInt32($1.ordinal)) }
    }

    /// These rules with `encryption` instead (conformance setups that decrypt).
    public func with(encryption: EncryptionRules) -> ValidationRules {
        ValidationRules(
            issuers: issuers, audiences: audiences, allowedAlgorithms: allowedAlgorithms, leeway: leeway,
            requireExpiration: requireExpiration, maxLifetime: maxLifetime, maxTokenBytes: maxTokenBytes, tokenType: tokenType,
            checksClaims: checksClaims, encryption: encryption)
    }

    /// Rules for checking only a JWS signature under `algorithms` (conformance vectors).
    public static func signatureOnly(_ algorithms: [JWSAlgorithm]) -> ValidationRules {
        ValidationRules(issuers: [], allowedAlgorithms: algorithms, checksClaims: false)
    }

    @inline(__always)
    func allows(_ algorithm: JWSAlgorithm) -> Bool { algorithmMask & (1 << UInt32(algorithm.ordinal)) != 0 }

    /// The validity-window check (`exp`, then `nbf`, with the leeway): the validator's, and
    /// the one a verified-token cache repeats on every hit.
    @inline(__always)
    public func timeDenial(exp: Int64?, nbf: Int64?, now: Int64) -> Denial? {
        if let exp, now >= exp + leeway {
            return Denial(.expired, "token expired at \(exp), \(now - exp) s ago (leeway \(leeway) s)")
        }
        if let nbf, now + leeway < nbf {
            return Denial(.notYetValid, "token is not valid before \(nbf), \(nbf - now) s from now (leeway \(leeway) s)")
        }
        return nil
    }
}
