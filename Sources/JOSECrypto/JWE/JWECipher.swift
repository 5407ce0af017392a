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
    /// `openssl` or `boringssl`; `auto` is OpenSSL (JWE's cost is not measured per primitive
    /// yet, so no backend is preferred for speed); nil for an unknown name.
    public static func named(_ name: String) -> (any JWECipher)? {
        switch name {
        case "openssl", "auto": return OpenSSLJWECipher()
        case "boringssl": return BoringSSLJWECipher()
        default: return nil
        }
    }
}
