import JOSECrypto

/// One Wycheproof primitive vector behind a JWE algorithm, run through the same wrappers the
/// JWE decryption uses (`JWEDecryption.decryptContent`, `JWECipher.keyUnwrap`,
/// `JWEPrivateKey.oaepDecrypt` and `agree`), on OpenSSL and on BoringSSL.
///
/// Allowed when both backends produce the expected output; denied (`decryption_failed`) when
/// both fail or produce something else. When the backends disagree, the decision is the one
/// the case does not expect, so a disagreement always fails the case.
public struct ConformanceJWEPrimitive: Sendable {
    /// What to run.
    public enum Operation: Sendable {
        /// AES-GCM or AES-CBC-HMAC content decryption under `enc`.
        case content(JWEContentEncryption, key: [UInt8], iv: [UInt8], aad: [UInt8], ciphertext: [UInt8], tag: [UInt8])
        /// AES key unwrap of `wrapped` under `kek`.
        case keyUnwrap(kek: [UInt8], wrapped: [UInt8])
        /// RSAES-OAEP decryption (SHA-1 or SHA-256, empty label) with the private JWK.
        case oaep(JWK, sha256: Bool, ciphertext: [UInt8])
        /// ECDH: Z from the private JWK and the peer's public JWK.
        case ecdh(private: JWK, peer: JWK)
    }

    public let operation: Operation
    /// The output a valid vector must produce (plaintext, key or shared secret).
    public let expected: [UInt8]
    /// True: the vector must succeed; false: it must fail; nil: either.
    public let mustSucceed: Bool?

    public init(operation: Operation, expected: [UInt8], mustSucceed: Bool?) {
        self.operation = operation
        self.expected = expected
        self.mustSucceed = mustSucceed
    }

    /// The output with `cipher`, or nil when it fails (a key it refuses included).
    func run(_ cipher: any JWECipher) -> [UInt8]? {
        switch operation {
        case .content(let enc, let key, let iv, let aad, let ciphertext, let tag):
            return JWEDecryption.decryptContent(enc: enc, cek: key, iv: iv, aad: aad, ciphertext: ciphertext, tag: tag, cipher: cipher)
        case .keyUnwrap(let kek, let wrapped):
            return cipher.keyUnwrap(kek: kek, wrapped: wrapped)
        case .oaep(let jwk, let sha256, let ciphertext):
            return (try? cipher.privateKey(jwk))?.oaepDecrypt(ciphertext, sha256: sha256)
        case .ecdh(let privateJWK, let peer):
            guard let key = try? cipher.privateKey(privateJWK), key.curve != nil, peer.crv == privateJWK.crv,
                let x = peer.x.flatMap(Base64URL.decode), let y = peer.y.flatMap(Base64URL.decode)
            else { return nil }
            return key.agree(peerX: x, peerY: y)
        }
    }

    /// The decision over both backends.
    public func decide() -> ConformanceDecision {
        let ciphers: [any JWECipher] = [OpenSSLJWECipher(), BoringSSLJWECipher()]
        let results = ciphers.map { run($0) == expected }
        let names = ciphers.map(\.name).joined(separator: " and ")
        if results.allSatisfy({ $0 }) { return .allow("the expected output on \(names)") }
        if results.allSatisfy({ !$0 }) { return .deny(.decryptionFailed, "refused (or another output) on \(names)") }
        let detail =
            "backends disagree: " + zip(ciphers, results).map { "\($0.name) \($1 ? "succeeded" : "failed")" }.joined(separator: ", ")
        return mustSucceed == true ? .deny(.decryptionFailed, detail) : .allow(detail)
    }
}
