import COpenSSL

/// The OpenSSL 3 backend: every JWS algorithm.
public struct OpenSSLBackend: CryptoBackend {
    public var name: String { "openssl" }
    /// How verifiers call OpenSSL; see `OpenSSLCallPattern`.
    public let pattern: OpenSSLCallPattern
    /// When ES256 keys get their table of multiples (`perThreadContext` only).
    public let keyTables: KeyTables

    public init(pattern: OpenSSLCallPattern = .perThreadContext, keyTables: KeyTables = .afterUses(8)) {
        self.pattern = pattern
        self.keyTables = keyTables
    }

    public func supports(_ algorithm: JWSAlgorithm) -> Bool { true }

    public func makeVerifier(key: JWK, algorithm: JWSAlgorithm) throws -> any SignatureVerifier {
        try KeyFit.check(key, for: algorithm)
        if algorithm.family == .hmac {
            return try OpenSSLHMAC(secret: try key.decoded("k", key.k), algorithm: algorithm)
        }
        let evpKey = try EVPKey.from(jwk: key, wantPrivate: false)
        if algorithm.family == .rsaPKCS1 && pattern == .perThreadContext {
            return try OpenSSLRSAPKCS1Verifier(key: evpKey, algorithm: algorithm)
        }
        if algorithm.family == .rsaPSS && pattern == .perThreadContext {
            return try OpenSSLRSAPSSVerifier(key: evpKey, algorithm: algorithm)
        }
        if algorithm == .es256 && pattern == .perThreadContext {
            // The import above checked the point; the verifier makes a table of its multiples.
            return try P256TableVerifier(
                uncompressedPoint: [0x04] + (try key.decoded("x", key.x)) + (try key.decoded("y", key.y)),
                tables: keyTables)
        }
        return try OpenSSLVerifier(key: evpKey, algorithm: algorithm, pattern: pattern)
    }

    public func makeSigner(key: JWK, algorithm: JWSAlgorithm) throws -> any SignatureSigner {
        try KeyFit.check(key, for: algorithm, forSigning: true)
        if algorithm.family == .hmac {
            return try OpenSSLHMAC(secret: try key.decoded("k", key.k), algorithm: algorithm)
        }
        return OpenSSLSigner(key: try EVPKey.from(jwk: key, wantPrivate: true), algorithm: algorithm)
    }

    /// A signer whose signatures regenerate byte for byte: for ES256/384/512 and PS256/384/512
    /// the randomness OpenSSL draws while signing (the ECDSA nonce input, the PSS salt) is
    /// derived from `seed` and the message (HKDF-SHA-512), so the same seed and message always
    /// give the same signature and different messages never share that randomness. The other
    /// algorithms sign deterministically already and get `makeSigner`'s signer.
    ///
    /// For test corpora that must be reproducible (`jwtbench mint`). The signatures are
    /// ordinary ones and verify on every backend; the private key is only ever used by
    /// OpenSSL's own signing code (see `OpenSSLSeededSigner`).
    public func makeSeededSigner(key: JWK, algorithm: JWSAlgorithm, seed: [UInt8]) throws -> any SignatureSigner {
        switch algorithm.family {
        case .ecdsa, .rsaPSS:
            try KeyFit.check(key, for: algorithm, forSigning: true)
            return try OpenSSLSeededSigner(key: key, algorithm: algorithm, seed: seed)
        case .rsaPKCS1, .eddsa, .hmac:
            return try makeSigner(key: key, algorithm: algorithm)
        }
    }

    /// The linked OpenSSL's version text (for reports).
    public static var versionString: String {
        String(cString: OpenSSL_version(0))
    }
}

extension JWK {
    /// The public key in a PEM `SubjectPublicKeyInfo` ("BEGIN PUBLIC KEY"), as a JWK.
    public init(publicPEM pem: String) throws {
        self = try EVPKey.fromPEM(pem, privateKey: false).jwk(includePrivate: false)
    }

    /// A PKCS#8 PEM private key ("BEGIN PRIVATE KEY"), as a private JWK.
    public init(privatePEM pem: String) throws {
        self = try EVPKey.fromPEM(pem, privateKey: true).jwk(includePrivate: true)
    }

    /// A DER `SubjectPublicKeyInfo`, as a JWK.
    public init(publicDER der: [UInt8]) throws {
        self = try EVPKey.fromDER(der).jwk(includePrivate: false)
    }
}
