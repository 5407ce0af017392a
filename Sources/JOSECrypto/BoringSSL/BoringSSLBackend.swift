/// The BoringSSL backend, through swift-crypto (`Crypto`, `_CryptoExtras`): every JWS algorithm,
/// verifying and signing.
///
/// Keys are parsed once into swift-crypto's immutable key values, shared by all threads;
/// `verify` takes no lock of ours and keeps no per-thread state. The same key rules as
/// `OpenSSLBackend` apply (`KeyFit.check` first, then the JWK encoding rules), and ECDSA
/// signatures with r or s of 0 or >= n are refused before BoringSSL sees them, so both
/// backends give the same answer for every signature (the Wycheproof suites check it).
///
/// One key rule is BoringSSL's own and stricter: an RSA public exponent over 33 bits is refused
/// (`invalidKey`; a denial-of-service limit in BoringSSL), where `KeyFit` and OpenSSL allow up
/// to 64 bits. Real keys use 65537.
public struct BoringSSLBackend: CryptoBackend {
    public var name: String { "boringssl" }

    public init() {}

    /// Every `JWSAlgorithm`: swift-crypto covers HMAC-SHA2, RSASSA-PKCS1-v1_5 and RSASSA-PSS
    /// (salt = hash length, as RFC 7518 requires), ECDSA on P-256/384/521 and Ed25519.
    public func supports(_ algorithm: JWSAlgorithm) -> Bool { true }

    public func makeVerifier(key: JWK, algorithm: JWSAlgorithm) throws -> any SignatureVerifier {
        try KeyFit.check(key, for: algorithm)
        switch algorithm.family {
        case .hmac: return BoringSSLHMAC(secret: try key.decoded("k", key.k), algorithm: algorithm)
        case .rsaPKCS1, .rsaPSS: return try BoringSSLRSAVerifier(jwk: key, algorithm: algorithm)
        case .ecdsa(let curve): return try BoringSSLECDSAVerifier(jwk: key, curve: curve, algorithm: algorithm)
        case .eddsa: return try BoringSSLEdDSAVerifier(jwk: key, algorithm: algorithm)
        }
    }

    public func makeSigner(key: JWK, algorithm: JWSAlgorithm) throws -> any SignatureSigner {
        try KeyFit.check(key, for: algorithm, forSigning: true)
        if algorithm.family != .hmac && key.d == nil {
            throw JOSECryptoError.invalidKey("\(key.kty) key has no private member \"d\"")
        }
        switch algorithm.family {
        case .hmac: return BoringSSLHMAC(secret: try key.decoded("k", key.k), algorithm: algorithm)
        case .rsaPKCS1, .rsaPSS: return try BoringSSLRSASigner(jwk: key, algorithm: algorithm)
        case .ecdsa(let curve): return try BoringSSLECDSASigner(jwk: key, curve: curve, algorithm: algorithm)
        case .eddsa: return try BoringSSLEdDSASigner(jwk: key, algorithm: algorithm)
        }
    }
}
