import Crypto

/// Verifies ES256/384/512 with one immutable swift-crypto (BoringSSL) public key.
///
/// Shared by all threads without a lock: swift-crypto's public keys are immutable values, and
/// BoringSSL's ECDSA verification keeps its per-call state on the stack.
final class BoringSSLECDSAVerifier: SignatureVerifier {
    /// One case per curve, so that `verify` calls concrete swift-crypto types (no generic
    /// dispatch or metadata lookups on the hot path).
    enum Key: Sendable {
        case p256(P256.Signing.PublicKey)
        case p384(P384.Signing.PublicKey)
        case p521(P521.Signing.PublicKey)
    }

    let algorithm: JWSAlgorithm
    var backendName: String { "boringssl" }
    private let key: Key
    /// The group order, to refuse r or s of 0 or >= n exactly as the OpenSSL path does.
    private let order: [UInt8]

    init(jwk: JWK, curve: ECCurve, algorithm: JWSAlgorithm) throws {
        let raw = try BoringSSLKeyMaterial.ecPublic(jwk, curve: curve)
        // swift-crypto's raw representation is x||y; BoringSSL checks that the point is on the
        // curve (the point at infinity has no x||y encoding).
        key = try BoringSSLKeyMaterial.importing("EC \(curve.rawValue) public key (point not on the curve?)") {
            switch curve {
            case .p256: .p256(try P256.Signing.PublicKey(rawRepresentation: raw))
            case .p384: .p384(try P384.Signing.PublicKey(rawRepresentation: raw))
            case .p521: .p521(try P521.Signing.PublicKey(rawRepresentation: raw))
            }
        }
        self.algorithm = algorithm
        self.order = curve.order
    }

    func verify(signature: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> Bool {
        // Exact length and 0 < r, s < n before any work: the same refusal as OpenSSLVerifier,
        // so no library quirk (DER, short or padded integers, r or s out of range) can differ.
        guard ECDSASignature.isWellFormedRaw(signature, order: order) else { return false }
        // swift-crypto hashes the message with the curve's JWS hash (SHA-256/384/512) and takes
        // the signature as raw r||s. The signature is copied once into `Data` (the only
        // initialiser there is); the message is read in place (UnsafeRawBufferPointer is DataProtocol).
        switch key {
        case .p256(let k):
            guard let s = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return k.isValidSignature(s, for: message)
        case .p384(let k):
            guard let s = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return k.isValidSignature(s, for: message)
        case .p521(let k):
            guard let s = try? P521.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return k.isValidSignature(s, for: message)
        }
    }
}
