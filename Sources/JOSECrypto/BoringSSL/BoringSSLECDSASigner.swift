import Crypto

/// Signs ES256/384/512 with a swift-crypto (BoringSSL) private key (minting; not on the
/// validation hot path). Signatures are raw r||s, randomised (BoringSSL mixes fresh entropy into
/// the nonce).
final class BoringSSLECDSASigner: SignatureSigner {
    /// One case per curve, so that `sign` calls concrete swift-crypto types.
    enum Key: Sendable {
        case p256(P256.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)
        case p521(P521.Signing.PrivateKey)
    }

    let algorithm: JWSAlgorithm
    private let key: Key

    init(jwk: JWK, curve: ECCurve, algorithm: JWSAlgorithm) throws {
        let d = try JWKKeyMaterial.ecPrivate(jwk, curve: curve)
        let (key, publicRaw): (Key, [UInt8]) = try BoringSSLKeyMaterial.importing("EC \(curve.rawValue) private key") {
            switch curve {
            case .p256:
                let k = try P256.Signing.PrivateKey(rawRepresentation: d)
                return (.p256(k), Array(k.publicKey.rawRepresentation))
            case .p384:
                let k = try P384.Signing.PrivateKey(rawRepresentation: d)
                return (.p384(k), Array(k.publicKey.rawRepresentation))
            case .p521:
                let k = try P521.Signing.PrivateKey(rawRepresentation: d)
                return (.p521(k), Array(k.publicKey.rawRepresentation))
            }
        }
        self.key = key
        // swift-crypto derives the public point from d; a JWK whose x/y disagree is corrupt, and
        // signing with it would mint tokens its own public key cannot verify.
        if jwk.x != nil || jwk.y != nil {
            guard try BoringSSLKeyMaterial.ecPublic(jwk, curve: curve) == publicRaw else {
                throw JOSECryptoError.invalidKey("EC \"d\" does not match \"x\"/\"y\"")
            }
        }
        self.algorithm = algorithm
    }

    func sign(message: UnsafeRawBufferPointer) throws -> [UInt8] {
        do {
            switch key {
            case .p256(let k): return Array(try k.signature(for: message).rawRepresentation)
            case .p384(let k): return Array(try k.signature(for: message).rawRepresentation)
            case .p521(let k): return Array(try k.signature(for: message).rawRepresentation)
            }
        } catch {
            throw JOSECryptoError.boringssl(operation: "\(algorithm.rawValue) signing", reason: "\(error)")
        }
    }
}
