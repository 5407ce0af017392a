import Crypto
import Foundation
import _CryptoExtras

/// An RSA or EC key for JWE on BoringSSL: `_RSA.Encryption` (OAEP) and the NIST curves'
/// `KeyAgreement` (which refuses points not on the curve).
final class BoringSSLJWEKey: JWEPrivateKey, JWEPublicKey, @unchecked Sendable {
    // @unchecked: swift-crypto's RSA key types are not marked Sendable, but they are immutable
    // values over a BoringSSL key that is only read after creation.
    enum Key {
        case rsaPrivate(_RSA.Encryption.PrivateKey)
        case rsaPublic(_RSA.Encryption.PublicKey)
        case p256(P256.KeyAgreement.PrivateKey?, P256.KeyAgreement.PublicKey)
        case p384(P384.KeyAgreement.PrivateKey?, P384.KeyAgreement.PublicKey)
        case p521(P521.KeyAgreement.PrivateKey?, P521.KeyAgreement.PublicKey)
    }

    let key: Key
    let curve: ECCurve?

    init(jwk: JWK, wantPrivate: Bool) throws {
        switch jwk.kty {
        case "RSA":
            curve = nil
            let (n, e) = try JWKKeyMaterial.rsaPublic(jwk)
            guard KeyFit.bitLength(n) >= KeyFit.minimumRSABits else {
                throw JOSECryptoError.invalidKey("RSA modulus of \(KeyFit.bitLength(n)) bits is below \(KeyFit.minimumRSABits)")
            }
            if wantPrivate {
                let d = try jwk.decoded("d", jwk.d)
                let p = try jwk.decoded("p", jwk.p)
                let q = try jwk.decoded("q", jwk.q)
                key = .rsaPrivate(
                    try BoringSSLKeyMaterial.importing("RSA private key") { try _RSA.Encryption.PrivateKey(n: n, e: e, d: d, p: p, q: q) })
            } else {
                key = .rsaPublic(try BoringSSLKeyMaterial.importing("RSA public key") { try _RSA.Encryption.PublicKey(n: n, e: e) })
            }
        case "EC":
            guard let c = jwk.crv.flatMap(ECCurve.init(rawValue:)) else {
                throw JOSECryptoError.invalidKey("EC curve \(jwk.crv ?? "(none)") is not P-256, P-384 or P-521")
            }
            curve = c
            let raw = try BoringSSLKeyMaterial.ecPublic(jwk, curve: c)
            let d = wantPrivate ? try JWKKeyMaterial.ecPrivate(jwk, curve: c) : nil
            key = try BoringSSLKeyMaterial.importing("EC \(c.rawValue) key") {
                switch c {
                case .p256:
                    let priv = try d.map { try P256.KeyAgreement.PrivateKey(rawRepresentation: $0) }
                    return .p256(priv, try P256.KeyAgreement.PublicKey(rawRepresentation: raw))
                case .p384:
                    let priv = try d.map { try P384.KeyAgreement.PrivateKey(rawRepresentation: $0) }
                    return .p384(priv, try P384.KeyAgreement.PublicKey(rawRepresentation: raw))
                case .p521:
                    let priv = try d.map { try P521.KeyAgreement.PrivateKey(rawRepresentation: $0) }
                    return .p521(priv, try P521.KeyAgreement.PublicKey(rawRepresentation: raw))
                }
            }
        default:
            throw JOSECryptoError.invalidKey("a \(jwk.kty) key cannot serve RSA-OAEP or ECDH-ES")
        }
    }

    func oaepDecrypt(_ ciphertext: [UInt8], sha256: Bool) -> [UInt8]? {
        guard case .rsaPrivate(let k) = key,
            let plain = try? k.decrypt(ciphertext, padding: sha256 ? .PKCS1_OAEP_SHA256 : .PKCS1_OAEP)
        else { return nil }
        return Array(plain)
    }

    func oaepEncrypt(_ plaintext: [UInt8], sha256: Bool) -> [UInt8]? {
        let publicKey: _RSA.Encryption.PublicKey
        switch key {
        case .rsaPublic(let k): publicKey = k
        case .rsaPrivate(let k): publicKey = k.publicKey
        default: return nil
        }
        return (try? publicKey.encrypt(plaintext, padding: sha256 ? .PKCS1_OAEP_SHA256 : .PKCS1_OAEP)).map { Array($0) }
    }

    private static func bytes(_ secret: SharedSecret) -> [UInt8] { secret.withUnsafeBytes { Array($0) } }

    func agree(peerX: [UInt8], peerY: [UInt8]) -> [UInt8]? {
        // `rawRepresentation` import checks that the point is on the curve.
        let raw = peerX + peerY
        switch key {
        case .p256(let priv?, _):
            guard let peer = try? P256.KeyAgreement.PublicKey(rawRepresentation: raw) else { return nil }
            return (try? priv.sharedSecretFromKeyAgreement(with: peer)).map(Self.bytes)
        case .p384(let priv?, _):
            guard let peer = try? P384.KeyAgreement.PublicKey(rawRepresentation: raw) else { return nil }
            return (try? priv.sharedSecretFromKeyAgreement(with: peer)).map(Self.bytes)
        case .p521(let priv?, _):
            guard let peer = try? P521.KeyAgreement.PublicKey(rawRepresentation: raw) else { return nil }
            return (try? priv.sharedSecretFromKeyAgreement(with: peer)).map(Self.bytes)
        default: return nil
        }
    }

    func ephemeralAgreement() -> (x: [UInt8], y: [UInt8], z: [UInt8])? {
        func split(_ raw: Data, _ z: SharedSecret) -> (x: [UInt8], y: [UInt8], z: [UInt8]) {
            let bytes = Array(raw)
            return (Array(bytes.prefix(bytes.count / 2)), Array(bytes.suffix(bytes.count / 2)), Self.bytes(z))
        }
        switch key {
        case .p256(_, let pub):
            let e = P256.KeyAgreement.PrivateKey()
            return (try? e.sharedSecretFromKeyAgreement(with: pub)).map { split(e.publicKey.rawRepresentation, $0) }
        case .p384(_, let pub):
            let e = P384.KeyAgreement.PrivateKey()
            return (try? e.sharedSecretFromKeyAgreement(with: pub)).map { split(e.publicKey.rawRepresentation, $0) }
        case .p521(_, let pub):
            let e = P521.KeyAgreement.PrivateKey()
            return (try? e.sharedSecretFromKeyAgreement(with: pub)).map { split(e.publicKey.rawRepresentation, $0) }
        default: return nil
        }
    }
}
