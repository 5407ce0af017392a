import Crypto

/// HS256/384/512 with one secret through swift-crypto's `HMAC`: signs and verifies.
///
/// The HMAC state after absorbing the padded key is prepared once; each call copies it (value
/// semantics: the copy's first update makes its own hash context) instead of re-deriving the
/// key pads, which `HMAC.isValidAuthenticationCode(_:authenticating:using:)` would do per call.
/// The comparison is the same constant-time one that function uses (`MessageAuthenticationCode`'s
/// `==`, BoringSSL's `CRYPTO_memcmp`), so a forger learns nothing from its duration.
final class BoringSSLHMAC: SignatureVerifier, SignatureSigner {
    /// One case per hash, so that the hot path uses concrete types.
    enum Prepared: Sendable {
        case sha256(HMAC<SHA256>)
        case sha384(HMAC<SHA384>)
        case sha512(HMAC<SHA512>)
    }

    let algorithm: JWSAlgorithm
    var backendName: String { "boringssl" }
    private let prepared: Prepared
    private let tagLength: Int

    init(secret: [UInt8], algorithm: JWSAlgorithm) {
        let key = SymmetricKey(data: secret)
        switch algorithm.hash {
        case .sha256: prepared = .sha256(HMAC<SHA256>(key: key))
        case .sha384: prepared = .sha384(HMAC<SHA384>(key: key))
        case .sha512: prepared = .sha512(HMAC<SHA512>(key: key))
        }
        self.algorithm = algorithm
        self.tagLength = algorithm.hash.byteCount
    }

    func verify(signature: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> Bool {
        // JWS never allows truncated tags.
        guard signature.count == tagLength else { return false }
        switch prepared {
        case .sha256(let h):
            var mac = h
            mac.update(data: message)
            return mac.finalize() == signature
        case .sha384(let h):
            var mac = h
            mac.update(data: message)
            return mac.finalize() == signature
        case .sha512(let h):
            var mac = h
            mac.update(data: message)
            return mac.finalize() == signature
        }
    }

    func sign(message: UnsafeRawBufferPointer) throws -> [UInt8] {
        switch prepared {
        case .sha256(let h):
            var mac = h
            mac.update(data: message)
            return mac.finalize().withUnsafeBytes { Array($0) }
        case .sha384(let h):
            var mac = h
            mac.update(data: message)
            return mac.finalize().withUnsafeBytes { Array($0) }
        case .sha512(let h):
            var mac = h
            mac.update(data: message)
            return mac.finalize().withUnsafeBytes { Array($0) }
        }
    }
}
