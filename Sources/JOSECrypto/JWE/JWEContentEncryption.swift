/// A JWE content-encryption algorithm (RFC 7518 section 5): AES-GCM or AES-CBC with
/// HMAC-SHA-2 (the composite `AxxxCBC-HSyyy`).
public enum JWEContentEncryption: String, CaseIterable, Sendable, Hashable, Codable {
    case a128GCM = "A128GCM"
    case a192GCM = "A192GCM"
    case a256GCM = "A256GCM"
    case a128CBCHS256 = "A128CBC-HS256"
    case a192CBCHS384 = "A192CBC-HS384"
    case a256CBCHS512 = "A256CBC-HS512"

    /// Whether this is AES-GCM (else AES-CBC with HMAC).
    public var isGCM: Bool {
        switch self {
        case .a128GCM, .a192GCM, .a256GCM: return true
        default: return false
        }
    }

    /// The CEK's size in bytes: the AES key for GCM; MAC key plus AES key for CBC-HS.
    public var keyBytes: Int {
        switch self {
        case .a128GCM: return 16
        case .a192GCM: return 24
        case .a256GCM: return 32
        case .a128CBCHS256: return 32
        case .a192CBCHS384: return 48
        case .a256CBCHS512: return 64
        }
    }

    /// The authentication tag's size in bytes (GCM: 128 bits; CBC-HS: half the HMAC output).
    public var tagBytes: Int {
        switch self {
        case .a128GCM, .a192GCM, .a256GCM: return 16
        case .a128CBCHS256: return 16
        case .a192CBCHS384: return 24
        case .a256CBCHS512: return 32
        }
    }

    /// The initialization vector's size in bytes (96 bits for GCM, one AES block for CBC).
    public var ivBytes: Int { isGCM ? 12 : 16 }

    /// The HMAC hash of a CBC-HS algorithm.
    public var macHash: HashFunction {
        switch self {
        case .a192CBCHS384: return .sha384
        case .a256CBCHS512: return .sha512
        default: return .sha256
        }
    }

    /// The name from the header's bytes (exact, case-sensitive).
    public static func from(bytes: UnsafeRawBufferPointer) -> JWEContentEncryption? {
        JWEContentEncryption(rawValue: String(decoding: bytes, as: UTF8.self))
    }
}
