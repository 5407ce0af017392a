import Crypto
import Foundation
import _CryptoExtras

/// JWE's primitives on BoringSSL through swift-crypto: `AES.GCM`, `AES._CBC`, `HMAC`,
/// `AES.KeyWrap`, and RSA-OAEP and ECDH keys (`BoringSSLJWEKey`).
public struct BoringSSLJWECipher: JWECipher {
    public var name: String { "boringssl" }

    public init() {}

    public func gcmDecrypt(key: [UInt8], iv: [UInt8], aad: [UInt8], ciphertext: [UInt8], tag: [UInt8]) -> [UInt8]? {
        guard [16, 24, 32].contains(key.count), tag.count == 16,
            let nonce = try? AES.GCM.Nonce(data: iv),
            let box = try? AES.GCM.SealedBox(nonce: nonce, ciphertext: ciphertext, tag: tag),
            let plain = try? AES.GCM.open(box, using: SymmetricKey(data: key), authenticating: aad)
        else { return nil }
        return Array(plain)
    }

    public func gcmEncrypt(key: [UInt8], iv: [UInt8], aad: [UInt8], plaintext: [UInt8]) -> (ciphertext: [UInt8], tag: [UInt8])? {
        guard [16, 24, 32].contains(key.count), let nonce = try? AES.GCM.Nonce(data: iv),
            let box = try? AES.GCM.seal(plaintext, using: SymmetricKey(data: key), nonce: nonce, authenticating: aad)
        else { return nil }
        return (Array(box.ciphertext), Array(box.tag))
    }

    public func cbcDecrypt(key: [UInt8], iv: [UInt8], ciphertext: [UInt8]) -> [UInt8]? {
        guard [16, 24, 32].contains(key.count), !ciphertext.isEmpty, ciphertext.count % 16 == 0,
            let iv = try? AES._CBC.IV(ivBytes: iv),
            let plain = try? AES._CBC.decrypt(ciphertext, using: SymmetricKey(data: key), iv: iv)
        else { return nil }
        return Array(plain)
    }

    public func cbcEncrypt(key: [UInt8], iv: [UInt8], plaintext: [UInt8]) -> [UInt8]? {
        guard [16, 24, 32].contains(key.count), let iv = try? AES._CBC.IV(ivBytes: iv),
            let sealed = try? AES._CBC.encrypt(plaintext, using: SymmetricKey(data: key), iv: iv)
        else { return nil }
        return Array(sealed)
    }

    public func hmac(_ hash: HashFunction, key: [UInt8], message: [UInt8]) -> [UInt8]? {
        let k = SymmetricKey(data: key)
        switch hash {
        case .sha256: return Array(HMAC<SHA256>.authenticationCode(for: message, using: k))
        case .sha384: return Array(HMAC<SHA384>.authenticationCode(for: message, using: k))
        case .sha512: return Array(HMAC<SHA512>.authenticationCode(for: message, using: k))
        }
    }

    public func keyWrap(kek: [UInt8], key: [UInt8]) -> [UInt8]? {
        guard [16, 24, 32].contains(kek.count), key.count >= 16, key.count % 8 == 0,
            let wrapped = try? AES.KeyWrap.wrap(SymmetricKey(data: key), using: SymmetricKey(data: kek))
        else { return nil }
        return Array(wrapped)
    }

    public func keyUnwrap(kek: [UInt8], wrapped: [UInt8]) -> [UInt8]? {
        guard [16, 24, 32].contains(kek.count), wrapped.count >= 24, wrapped.count % 8 == 0,
            let key = try? AES.KeyWrap.unwrap(wrapped, using: SymmetricKey(data: kek))
        else { return nil }
        return key.withUnsafeBytes { Array($0) }
    }

    public func privateKey(_ jwk: JWK) throws -> any JWEPrivateKey { try BoringSSLJWEKey(jwk: jwk, wantPrivate: true) }

    public func publicKey(_ jwk: JWK) throws -> any JWEPublicKey { try BoringSSLJWEKey(jwk: jwk.publicKey, wantPrivate: false) }
}
