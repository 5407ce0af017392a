import JOSECrypto

extension JWSAlgorithm {
    /// A dense index for per-algorithm tables and bit sets (no hashing on the hot path).
    @inline(__always)
    var ordinal: Int {
        switch self {
        case .hs256: return 0
        case .hs384: return 1
        case .hs512: return 2
        case .rs256: return 3
        case .rs384: return 4
        case .rs512: return 5
        case .ps256: return 6
        case .ps384: return 7
        case .ps512: return 8
        case .es256: return 9
        case .es384: return 10
        case .es512: return 11
        case .edDSA: return 12
        case .ed25519: return 13
        }
    }

    static let ordinalCount = 14

    /// Parses an `alg` value from raw bytes without making a String. `none` in any spelling
    /// and unknown names give nil.
    static func from(bytes: UnsafeRawBufferPointer) -> JWSAlgorithm? {
        guard bytes.count >= 5, bytes.count <= 7 else { return nil }
        for candidate in JWSAlgorithm.allCases {
            let name = candidate.rawValue.utf8
            guard name.count == bytes.count else { continue }
            var same = true
            for (i, c) in name.enumerated() where bytes[i] != c {
                same = false
                break
            }
            if same { return candidate }
        }
        return nil
    }
}
