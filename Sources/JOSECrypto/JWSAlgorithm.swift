/// A JWS signature algorithm (RFC 7518 section 3, RFC 8037, RFC 9864).
///
/// `none` is deliberately not a case: an unsecured JWS can never be verified, so the type
/// system keeps it out of every allow list.
public enum JWSAlgorithm: String, CaseIterable, Sendable, Hashable, Codable {
    case hs256 = "HS256"
    case hs384 = "HS384"
    case hs512 = "HS512"
    case rs256 = "RS256"
    case rs384 = "RS384"
    case rs512 = "RS512"
    case ps256 = "PS256"
    case ps384 = "PS384"
    case ps512 = "PS512"
    case es256 = "ES256"
    case es384 = "ES384"
    case es512 = "ES512"
    /// RFC 8037's name: the curve is taken from the key (only Ed25519 is supported).
    case edDSA = "EdDSA"
    /// RFC 9864's fully specified name for EdDSA over Ed25519.
    case ed25519 = "Ed25519"

    /// The family decides key type, padding and signature encoding.
    public enum Family: Sendable, Hashable {
        case hmac, rsaPKCS1, rsaPSS
        case ecdsa(ECCurve)
        case eddsa
    }

    public var family: Family {
        switch self {
        case .hs256, .hs384, .hs512: return .hmac
        case .rs256, .rs384, .rs512: return .rsaPKCS1
        case .ps256, .ps384, .ps512: return .rsaPSS
        case .es256: return .ecdsa(.p256)
        case .es384: return .ecdsa(.p384)
        case .es512: return .ecdsa(.p521)
        case .edDSA, .ed25519: return .eddsa
        }
    }

    /// The hash used for the signing input; EdDSA hashes internally (SHA-512) and takes the message.
    public var hash: HashFunction {
        switch self {
        case .hs256, .rs256, .ps256, .es256: return .sha256
        case .hs384, .rs384, .ps384, .es384: return .sha384
        case .hs512, .rs512, .ps512, .es512, .edDSA, .ed25519: return .sha512
        }
    }

    /// The JWK `kty` a key must have to serve this algorithm.
    public var keyType: String {
        switch family {
        case .hmac: return "oct"
        case .rsaPKCS1, .rsaPSS: return "RSA"
        case .ecdsa: return "EC"
        case .eddsa: return "OKP"
        }
    }

    /// Whether two names denote the same algorithm for key matching (`EdDSA` and `Ed25519` do,
    /// since we support only the Ed25519 curve under `EdDSA`).
    public func isEquivalent(to other: JWSAlgorithm) -> Bool {
        self == other || (family == .eddsa && other.family == .eddsa)
    }
}

/// The SHA-2 functions JWS uses.
public enum HashFunction: Sendable, Hashable {
    case sha256, sha384, sha512

    public var byteCount: Int {
        switch self {
        case .sha256: return 32
        case .sha384: return 48
        case .sha512: return 64
        }
    }

    var opensslName: String {
        switch self {
        case .sha256: return "SHA256"
        case .sha384: return "SHA384"
        case .sha512: return "SHA512"
        }
    }
}

/// The NIST curves of the ES* algorithms.
public enum ECCurve: String, Sendable, Hashable, CaseIterable {
    case p256 = "P-256"
    case p384 = "P-384"
    case p521 = "P-521"

    /// Bytes of one coordinate, and of `r` or `s` in a JWS signature (RFC 7518 section 3.4).
    public var coordinateByteCount: Int {
        switch self {
        case .p256: return 32
        case .p384: return 48
        case .p521: return 66
        }
    }

    var opensslGroupName: String { "\(opensslGroupStaticName)" }

    /// Static, because OpenSSL's parameter builder keeps the pointer (see ParamBuilder).
    var opensslGroupStaticName: StaticString {
        switch self {
        case .p256: return "prime256v1"
        case .p384: return "secp384r1"
        case .p521: return "secp521r1"
        }
    }

    /// The group order n, big-endian and left-padded to `coordinateByteCount`, so that
    /// `r < n` and `s < n` can be checked with a byte comparison before OpenSSL sees them.
    var order: [UInt8] {
        switch self {
        case .p256: return ECCurve.hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")
        case .p384:
            return ECCurve.hex("ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973")
        case .p521:
            return ECCurve.hex(
                "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409"
            )
        }
    }

    private static func hex(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        var it = s.utf8.makeIterator()
        while let h = it.next(), let l = it.next() {
            out.append(UInt8(hexValue(h) << 4 | hexValue(l)))
        }
        return out
    }

    private static func hexValue(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        default: return c - UInt8(ascii: "A") + 10
        }
    }
}
