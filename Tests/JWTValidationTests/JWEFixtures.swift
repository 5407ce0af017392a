import JOSECrypto

@testable import JWTValidation

/// Encryption keys and token builders for the JWE tests; keys generated once per process.
enum JWEFixtures {
    static func encryptionKey(_ jwk: JWK, kid: String) -> JWK {
        var k = jwk
        k.alg = nil
        k.use = "enc"
        k.kid = kid
        return k
    }

    static let rsa = encryptionKey(try! KeyGenerator.generate(for: .rs256), kid: "enc-rsa")
    static let p256 = encryptionKey(try! KeyGenerator.generate(for: .es256), kid: "enc-p256")
    static let p384 = encryptionKey(try! KeyGenerator.generate(for: .es384), kid: "enc-p384")
    static let p521 = encryptionKey(try! KeyGenerator.generate(for: .es512), kid: "enc-p521")
    static func secret(_ bytes: Int, kid: String) -> JWK {
        JWK(kty: "oct", kid: kid, use: "enc", k: Base64URL.encode(try! KeyGenerator.randomBytes(bytes)))
    }
    static let s16 = secret(16, kid: "enc-s16")
    static let s24 = secret(24, kid: "enc-s24")
    static let s32 = secret(32, kid: "enc-s32")
    static let s48 = secret(48, kid: "enc-s48")
    static let s64 = secret(64, kid: "enc-s64")

    static let allKeys = [rsa, p256, p384, p521, s16, s24, s32, s48, s64]

    /// The key a token for `alg` (and `enc`, for `dir`) is made for.
    static func recipient(_ alg: JWEKeyManagement, _ enc: JWEContentEncryption, curve: ECCurve = .p256) -> JWK {
        switch alg.family {
        case .rsaOAEP: return rsa
        case .ecdhES, .ecdhESKeyWrap:
            switch curve {
            case .p256: return p256
            case .p384: return p384
            case .p521: return p521
            }
        case .direct:
            return [16: s16, 24: s24, 32: s32, 48: s48, 64: s64][enc.keyBytes]!
        case .keyWrap, .gcmKeyWrap:
            return [16: s16, 24: s24, 32: s32][alg.keyEncryptionKeyBytes!]!
        }
    }

    static func rules(
        _ requirement: EncryptionRules.Requirement, cipher: any JWECipher = OpenSSLJWECipher(), keys: [JWK] = allKeys,
        algs: [JWEKeyManagement] = JWEKeyManagement.allCases, encs: [JWEContentEncryption] = JWEContentEncryption.allCases
    ) -> EncryptionRules {
        EncryptionRules(
            requirement: requirement, keys: keys.map { try! JWEDecryptionKey(jwk: $0, cipher: cipher) }, allowedKeyManagement: algs,
            allowedContentEncryption: encs)
    }

    static func validator(_ encryption: EncryptionRules) -> Validator {
        let rules = ValidationRules(
            issuers: [Fixtures.issuer], audiences: [Fixtures.audience], allowedAlgorithms: Fixtures.allAlgorithms, encryption: encryption)
        return Validator(rules: rules, keys: Fixtures.keys, locations: [.authorizationBearer])
    }

    /// `plaintext` encrypted for the fixture key of `alg`/`enc`.
    static func encrypt(
        _ plaintext: String, _ alg: JWEKeyManagement, _ enc: JWEContentEncryption, nested: Bool, curve: ECCurve = .p256,
        extraHeader: [(String, String)] = [], cipher: any JWECipher = OpenSSLJWECipher(), epk: (x: [UInt8], y: [UInt8])? = nil
    ) -> String {
        let key = recipient(alg, enc, curve: curve)
        let options = JWEEncryption.Options(
            kid: key.kid, contentType: nested ? "JWT" : nil, extraHeader: extraHeader, epkOverride: epk, apu: Array("Alice".utf8),
            apv: Array("Bob".utf8))
        return try! JWEEncryption.encrypt(
            Array(plaintext.utf8), alg: alg, enc: enc, recipient: alg.isSymmetric ? key : key.publicKey, options: options, cipher: cipher)
    }

    /// A nested token: the fixture RS256 JWS encrypted.
    static func nested(_ alg: JWEKeyManagement = .rsaOAEP256, _ enc: JWEContentEncryption = .a256GCM, inner: String = Fixtures.token())
        -> String
    {
        encrypt(inner, alg, enc, nested: true)
    }

    /// `token` with segment `index` changed in one bit of its first decoded byte.
    static func tamper(_ token: String, segment index: Int, at byte: Int = 0) -> String {
        var parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var bytes = Base64URL.decode(parts[index])!
        bytes[min(byte, bytes.count - 1)] ^= 0x01
        parts[index] = Base64URL.encode(bytes)
        return parts.joined(separator: ".")
    }

    /// `token` with segment `index` replaced by `bytes`.
    static func replace(_ token: String, segment index: Int, with bytes: [UInt8]) -> String {
        var parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        parts[index] = Base64URL.encode(bytes)
        return parts.joined(separator: ".")
    }
}
