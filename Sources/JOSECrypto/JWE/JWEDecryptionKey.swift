/// A recipient's private key (RSA, EC) or shared secret (`oct`) prepared for JWE decryption,
/// once per policy load; immutable and shared by all threads.
///
/// Decryption keys come from the policy only (inline or files, never a URL: they are private),
/// and never from the token: `jwk`, `jku`, `x5u` in a JWE header are never used.
public final class JWEDecryptionKey: Sendable {
    /// The key's `kid`; a token with a `kid` is decrypted only with the key of that `kid`.
    public let kid: String?
    /// The key's own `alg`, when it names one: then it serves that algorithm only.
    public let declaredAlgorithm: JWEKeyManagement?
    /// The JWK's `kty`.
    public let keyType: String
    /// The library its operations run in.
    public let cipher: any JWECipher

    enum Material: Sendable {
        case secret([UInt8])
        case asymmetric(any JWEPrivateKey)
    }

    let material: Material

    /// Prepares `jwk` (private) with `cipher`; throws `invalidKey` for a public key, an
    /// unknown `alg`, a `use` other than `enc`, or key material the library refuses.
    public init(jwk: JWK, cipher: any JWECipher) throws {
        kid = jwk.kid
        keyType = jwk.kty
        self.cipher = cipher
        if let use = jwk.use, use != "enc" {
            throw JOSECryptoError.invalidKey("a decryption key's \"use\" must be \"enc\", not \"\(use)\"")
        }
        if let alg = jwk.alg {
            // A secret labelled with an `enc` name (RFC 7520 section 5.6 does this) is a direct key.
            let direct: JWEKeyManagement? = JWEContentEncryption(rawValue: alg) != nil && jwk.kty == "oct" ? .dir : nil
            guard let declared = direct ?? JWEKeyManagement(rawValue: alg) else {
                throw JOSECryptoError.invalidKey("\"alg\" \(alg) is not a supported JWE key-management algorithm")
            }
            guard declared.keyType == jwk.kty else {
                throw JOSECryptoError.invalidKey("a \(jwk.kty) key cannot serve \(alg)")
            }
            declaredAlgorithm = declared
        } else {
            declaredAlgorithm = nil
        }
        switch jwk.kty {
        case "oct":
            let secret = try jwk.decoded("k", jwk.k)
            guard [16, 24, 32, 48, 64].contains(secret.count) else {
                throw JOSECryptoError.invalidKey("a JWE secret must be 16, 24, 32, 48 or 64 bytes, not \(secret.count)")
            }
            material = .secret(secret)
        case "RSA", "EC":
            guard jwk.d != nil else { throw JOSECryptoError.invalidKey("a \(jwk.kty) decryption key needs its private member \"d\"") }
            material = .asymmetric(try cipher.privateKey(jwk))
        default:
            throw JOSECryptoError.invalidKey("key type \"\(jwk.kty)\" cannot decrypt a JWE")
        }
    }

    /// The curve of an EC key.
    public var curve: ECCurve? {
        if case .asymmetric(let k) = material { return k.curve }
        return nil
    }

    /// Whether this key can serve `alg` with `enc`: the key type, its declared `alg`, and for
    /// secrets the exact size (`dir`: the CEK's; AxxxKW and AxxxGCMKW: the KEK's).
    public func fits(_ alg: JWEKeyManagement, _ enc: JWEContentEncryption) -> Bool {
        guard alg.keyType == keyType, declaredAlgorithm == nil || declaredAlgorithm == alg else { return false }
        switch material {
        case .secret(let secret):
            if alg == .dir { return secret.count == enc.keyBytes }
            return secret.count == alg.keyEncryptionKeyBytes
        case .asymmetric(let key):
            return (alg.family == .rsaOAEP) == (key.curve == nil)
        }
    }
}
