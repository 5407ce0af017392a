/// Each algorithm on the backend that verified it fastest on this kind of machine.
///
/// Verifiers report the backend that really serves them (`backendName` is `openssl` or
/// `boringssl`), so reports show the routing. The choice only changes speed: both backends give
/// the same answer for every input (the Wycheproof suites run against each).
///
/// TABLE_PLACEHOLDER
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

    /// The library that verifies `algorithm` fastest (figures in the type's documentation).
    public static func preferred(for algorithm: JWSAlgorithm) -> Choice {
        switch algorithm {
        case .rs256, .rs384, .rs512: return .boringssl
        case .ps256, .ps384, .ps512: return .boringssl
        case .es256, .es384, .es512: return .boringssl
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
