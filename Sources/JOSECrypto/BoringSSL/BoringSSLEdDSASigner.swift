import Crypto

/// Signs EdDSA (Ed25519) with a swift-crypto (BoringSSL) private key. Deterministic, as RFC 8032
/// specifies (BoringSSL's `ED25519_sign`), so it reproduces published signatures.
final class BoringSSLEdDSASigner: SignatureSigner {
    let algorithm: JWSAlgorithm
    private let key: Curve25519.Signing.PrivateKey

    init(jwk: JWK, algorithm: JWSAlgorithm) throws {
        let d = try JWKKeyMaterial.ed25519Private(jwk)
        key = try BoringSSLKeyMaterial.importing("Ed25519 private key") { try Curve25519.Signing.PrivateKey(rawRepresentation: d) }
        // The public key is derived from the seed; a JWK whose x disagrees is corrupt.
        if jwk.x != nil {
            guard try BoringSSLKeyMaterial.ed25519Public(jwk) == Array(key.publicKey.rawRepresentation) else {
                throw JOSECryptoError.invalidKey("Ed25519 \"d\" does not match \"x\"")
            }
        }
        self.algorithm = algorithm
    }

    func sign(message: UnsafeRawBufferPointer) throws -> [UInt8] {
        do {
            return Array(try key.signature(for: message))
        } catch {
            throw JOSECryptoError.boringssl(operation: "Ed25519 signing", reason: "\(error)")
        }
    }
}
