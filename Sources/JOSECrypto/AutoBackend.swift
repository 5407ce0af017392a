/// Each algorithm on the backend that verified it fastest on this kind of machine.
///
/// Verifiers report the backend that really serves them (`backendName`), so reports show the
/// routing. The choice only changes speed: both backends give the same answer for every
/// signature (the Wycheproof suites run against each). One key rule differs: BoringSSL refuses
/// RSA public exponents over 33 bits (see `BoringSSLBackend`).
///
/// Why each algorithm goes where it goes (measurements, commands and dates in
/// `bench/NOTES.md`, sections "Backend routing", "RS256 and the other RSA algorithms" and
/// "ES256 and P-256"):
/// - RS256/384/512 and PS256/384/512 -> OpenSSL: our verifiers on OpenSSL's Montgomery
///   arithmetic (16 squarings and 1 product for e = 65537, encodings checked on stack buffers)
///   allocate nothing; RS* beat BoringSSL's RSA verify, PS* measured about even with it.
/// - ES256 -> OpenSSL: OpenSSL parses the key and serves its first verifications, then
///   `P256TableVerifier` verifies on CP256's table of the key's multiples, about 3x BoringSSL's
///   rate, with no allocation.
/// - ES512 -> OpenSSL: its dedicated 64-bit P-521 code beats BoringSSL's generic code.
/// - ES384 and EdDSA -> BoringSSL: faster than OpenSSL 3.0's generic P-384 and its Ed25519.
/// - HS256/384/512 -> OpenSSL: swift-crypto's HMAC costs about 1 µs more per call.
public struct AutoBackend: CryptoBackend {
    /// One of the two libraries.
    public enum Choice: String, Sendable, CaseIterable {
        case openssl, boringssl
    }

    public var name: String { "auto" }
    /// The OpenSSL backend used for the algorithms routed to OpenSSL.
    public let openssl: OpenSSLBackend
    /// The BoringSSL backend used for the algorithms routed to BoringSSL.
    public let boringssl: BoringSSLBackend

    public init(openssl: OpenSSLBackend = OpenSSLBackend()) {
        self.openssl = openssl
        self.boringssl = BoringSSLBackend()
    }

    /// The library that verifies `algorithm` fastest (why: the type's documentation; figures: `bench/NOTES.md`).
    public static func preferred(for algorithm: JWSAlgorithm) -> Choice {
        switch algorithm {
        case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512: return .openssl
        case .es256: return .openssl
        case .es384: return .boringssl
        case .es512: return .openssl
        case .edDSA, .ed25519: return .boringssl
        case .hs256, .hs384, .hs512: return .openssl
        }
    }

    /// The backend that serves `algorithm`: the preferred one, or the other when the preferred
    /// one does not support it.
    public func backend(for algorithm: JWSAlgorithm) -> any CryptoBackend {
        let first: any CryptoBackend = Self.preferred(for: algorithm) == .openssl ? openssl : boringssl
        if first.supports(algorithm) { return first }
        return Self.preferred(for: algorithm) == .openssl ? boringssl : openssl
    }

    public func supports(_ algorithm: JWSAlgorithm) -> Bool {
        openssl.supports(algorithm) || boringssl.supports(algorithm)
    }

    public func makeVerifier(key: JWK, algorithm: JWSAlgorithm) throws -> any SignatureVerifier {
        try backend(for: algorithm).makeVerifier(key: key, algorithm: algorithm)
    }

    public func makeSigner(key: JWK, algorithm: JWSAlgorithm) throws -> any SignatureSigner {
        try backend(for: algorithm).makeSigner(key: key, algorithm: algorithm)
    }
}
