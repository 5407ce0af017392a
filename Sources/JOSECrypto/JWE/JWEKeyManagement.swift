/// A JWE key-management algorithm (RFC 7518 section 4): how the content-encryption key (CEK)
/// reaches the recipient.
///
/// RSA1_5 and the PBES2 family are deliberately not cases: RSA1_5 is a padding oracle (RFC 7516
/// section 11.5; Bleichenbacher) and PBES2's `p2c` lets a token name an unbounded amount of
/// work. A token naming them is denied as an algorithm not allowed.
public enum JWEKeyManagement: String, CaseIterable, Sendable, Hashable, Codable {
    case rsaOAEP = "RSA-OAEP"
    case rsaOAEP256 = "RSA-OAEP-256"
    case ecdhES = "ECDH-ES"
    case ecdhESA128KW = "ECDH-ES+A128KW"
    case ecdhESA192KW = "ECDH-ES+A192KW"
    case ecdhESA256KW = "ECDH-ES+A256KW"
    case a128KW = "A128KW"
    case a192KW = "A192KW"
    case a256KW = "A256KW"
    case a128GCMKW = "A128GCMKW"
    case a192GCMKW = "A192GCMKW"
    case a256GCMKW = "A256GCMKW"
    case dir = "dir"

    /// The families, which decide the key type and what the encrypted-key segment holds.
    public enum Family: Sendable, Hashable {
        case rsaOAEP, ecdhES, ecdhESKeyWrap, keyWrap, gcmKeyWrap, direct
    }

    public var family: Family {
        switch self {
        case .rsaOAEP, .rsaOAEP256: return .rsaOAEP
        case .ecdhES: return .ecdhES
        case .ecdhESA128KW, .ecdhESA192KW, .ecdhESA256KW: return .ecdhESKeyWrap
        case .a128KW, .a192KW, .a256KW: return .keyWrap
        case .a128GCMKW, .a192GCMKW, .a256GCMKW: return .gcmKeyWrap
        case .dir: return .direct
        }
    }

    /// True when whoever can encrypt can also decrypt (a shared secret): only then does a
    /// successful decryption authenticate the sender. With RSA-OAEP and ECDH-ES anyone holding
    /// the public key can make a token that decrypts.
    public var isSymmetric: Bool {
        switch family {
        case .keyWrap, .gcmKeyWrap, .direct: return true
        case .rsaOAEP, .ecdhES, .ecdhESKeyWrap: return false
        }
    }

    /// The JWK `kty` the recipient's key has.
    public var keyType: String {
        switch family {
        case .rsaOAEP: return "RSA"
        case .ecdhES, .ecdhESKeyWrap: return "EC"
        case .keyWrap, .gcmKeyWrap, .direct: return "oct"
        }
    }

    /// The key-encryption key's size in bytes for the wrapping algorithms (the shared secret's
    /// for AxxxKW and AxxxGCMKW, the Concat KDF output's for ECDH-ES+AxxxKW); nil otherwise.
    public var keyEncryptionKeyBytes: Int? {
        switch self {
        case .a128KW, .a128GCMKW, .ecdhESA128KW: return 16
        case .a192KW, .a192GCMKW, .ecdhESA192KW: return 24
        case .a256KW, .a256GCMKW, .ecdhESA256KW: return 32
        default: return nil
        }
    }

    /// The name from the header's bytes (exact, case-sensitive, as RFC 7516 requires).
    public static func from(bytes: UnsafeRawBufferPointer) -> JWEKeyManagement? {
        JWEKeyManagement(rawValue: String(decoding: bytes, as: UTF8.self))
    }
}
