/// The symmetric and public-key primitives JWE needs, from one crypto library.
///
/// Two implementations: `OpenSSLJWECipher` (OpenSSL 3 EVP) and `BoringSSLJWECipher`
/// (swift-crypto). Nothing here is written by hand: every primitive is the library's. Every
/// failure is `nil`, with no detail, so that no caller can tell a padding failure from a tag
/// failure (RFC 7516 section 11.4).
public protocol JWECipher: Sendable {
    /// A short stable name for reports (`openssl`, `boringssl`).
    var name: String { get }
    /// AES-GCM decryption with a 16-byte tag; nil when the tag does not verify.
    func gcmDecrypt(key: [UInt8], iv: [UInt8], aad: [UInt8], ciphertext: [UInt8], tag: [UInt8]) -> [UInt8]?
    /// AES-GCM encryption: the ciphertext and the 16-byte tag.
    func gcmEncrypt(key: [UInt8], iv: [UInt8], aad: [UInt8], plaintext: [UInt8]) -> (ciphertext: [UInt8], tag: [UInt8])?
    /// AES-CBC decryption with PKCS#7 padding removed; nil on bad padding.
    func cbcDecrypt(key: [UInt8], iv: [UInt8], ciphertext: [UInt8]) -> [UInt8]?
    /// AES-CBC encryption with PKCS#7 padding.
    func cbcEncrypt(key: [UInt8], iv: [UInt8], plaintext: [UInt8]) -> [UInt8]?
    /// HMAC of `message` under `key` with `hash`.
    func hmac(_ hash: HashFunction, key: [UInt8], message: [UInt8]) -> [UInt8]?
    /// AES key wrap (RFC 3394) of `key` under `kek`.
    func keyWrap(kek: [UInt8], key: [UInt8]) -> [UInt8]?
    /// AES key unwrap (RFC 3394); nil when the integrity check fails.
    func keyUnwrap(kek: [UInt8], wrapped: [UInt8]) -> [UInt8]?
    /// The recipient's private key (RSA or EC) for RSA-OAEP or ECDH-ES.
    func privateKey(_ jwk: JWK) throws -> any JWEPrivateKey
    /// A recipient's public key (RSA or EC), for making tokens.
    func publicKey(_ jwk: JWK) throws -> any JWEPublicKey
}

/// A recipient's RSA or EC private key, prepared once; immutable and shared by all threads.
/// Private-key operations run in the library's constant-time code only.
public protocol JWEPrivateKey: Sendable {
    /// The EC curve, or nil for RSA.
    var curve: ECCurve? { get }
    /// RSAES-OAEP decryption with SHA-1 (`sha256` false) or SHA-256 (MGF1 with the same hash).
    func oaepDecrypt(_ ciphertext: [UInt8], sha256: Bool) -> [UInt8]?
    /// The ECDH shared secret Z with the peer point (`x`, `y` on this key's curve); nil when
    /// the point is not on the curve (the invalid-curve attack) or the library refuses it.
    func agree(peerX: [UInt8], peerY: [UInt8]) -> [UInt8]?
}

/// A recipient's RSA or EC public key, for making tokens (the minter).
public protocol JWEPublicKey: Sendable {
    /// The EC curve, or nil for RSA.
    var curve: ECCurve? { get }
    /// RSAES-OAEP encryption with SHA-1 or SHA-256.
    func oaepEncrypt(_ plaintext: [UInt8], sha256: Bool) -> [UInt8]?
    /// A fresh ephemeral key pair on this key's curve: its public coordinates and the shared
    /// secret Z with this key.
    func ephemeralAgreement() -> (x: [UInt8], y: [UInt8], z: [UInt8])?
}

/// The JWE ciphers by backend name.
public enum JWECiphers {
    /// `openssl`, `boringssl`, or `auto` (`AutoJWECipher`: EC keys on BoringSSL, the rest on
    /// OpenSSL, by measurement); nil for an unknown name.
    public static func named(_ name: String) -> (any JWECipher)? {
        switch name {
        case "openssl": return OpenSSLJWECipher()
        case "boringssl": return BoringSSLJWECipher()
        case "auto": return AutoJWECipher()
        default: return nil
        }
    }
}

/// Each JWE primitive on the backend measured faster here (bench/NOTES.md, encrypted tokens):
/// ECDH-ES's key agreement on BoringSSL (its P-256/384/521 with the ephemeral key's import cost
/// less than OpenSSL's per-token peer import and derive), RSA-OAEP and the symmetric
/// primitives on OpenSSL.
public struct AutoJWECipher: JWECipher {
    let openssl = OpenSSLJWECipher()
    let boringssl = BoringSSLJWECipher()

    public var name: String { "auto" }

    public init() {}

    public func gcmDecrypt(key: [UInt8], iv: [UInt8], aad: [UInt8], ciphertext: [UInt8], tag: [UInt8]) -> [UInt8]? {
        openssl.gcmDecrypt(key: key, iv: iv, aad: aad, ciphertext: ciphertext, tag: tag)
    }

    public func gcmEncrypt(key: [UInt8], iv: [UInt8], aad: [UInt8], plaintext: [UInt8]) -> (ciphertext: [UInt8], tag: [UInt8])? {
        openssl.gcmEncrypt(key: key, iv: iv, aad: aad, plaintext: plaintext)
    }

    public func cbcDecrypt(key: [UInt8], iv: [UInt8], ciphertext: [UInt8]) -> [UInt8]? {
        openssl.cbcDecrypt(key: key, iv: iv, ciphertext: ciphertext)
    }

    public func cbcEncrypt(key: [UInt8], iv: [UInt8], plaintext: [UInt8]) -> [UInt8]? {
        openssl.cbcEncrypt(key: key, iv: iv, plaintext: plaintext)
    }

    public func hmac(_ hash: HashFunction, key: [UInt8], message: [UInt8]) -> [UInt8]? {
        openssl.hmac(hash, key: key, message: message)
    }

    public func keyWrap(kek: [UInt8], key: [UInt8]) -> [UInt8]? { openssl.keyWrap(kek: kek, key: key) }

    public func keyUnwrap(kek: [UInt8], wrapped: [UInt8]) -> [UInt8]? { openssl.keyUnwrap(kek: kek, wrapped: wrapped) }

    public func privateKey(_ jwk: JWK) throws -> any JWEPrivateKey {
        jwk.kty == "EC" ? try boringssl.privateKey(jwk) : try openssl.privateKey(jwk)
    }

    public func publicKey(_ jwk: JWK) throws -> any JWEPublicKey {
        jwk.kty == "EC" ? try boringssl.publicKey(jwk) : try openssl.publicKey(jwk)
    }
}
