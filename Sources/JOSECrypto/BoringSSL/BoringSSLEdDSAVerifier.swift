import Crypto

/// Verifies EdDSA (Ed25519, RFC 8037) with one immutable swift-crypto (BoringSSL) public key.
final class BoringSSLEdDSAVerifier: SignatureVerifier {
    let algorithm: JWSAlgorithm
    var backendName: String { "boringssl" }
    private let key: Curve25519.Signing.PublicKey

    init(jwk: JWK, algorithm: JWSAlgorithm) throws {
        let x = try BoringSSLKeyMaterial.ed25519Public(jwk)
        key = try BoringSSLKeyMaterial.importing("Ed25519 public key") { try Curve25519.Signing.PublicKey(rawRepresentation: x) }
        self.algorithm = algorithm
    }

    func verify(signature: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> Bool {
        // Both buffers go to BoringSSL's ED25519_verify in place: no copy.
        guard signature.count == 64 else { return false }
        return key.isValidSignature(signature, for: message)
    }
}
