/// Why a key could not be made, or an operation could not run.
///
/// Thrown only for configuration and key material problems; a signature that does not verify
/// is a `false` result, never an error.
public enum JOSECryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The JWK is not well formed: a missing or undecodable member, or an unknown `kty`/`crv`.
    case invalidKey(String)
    /// The key is well formed but cannot serve this algorithm (type, curve, size, `alg`, `use`).
    case keyDoesNotFitAlgorithm(JWSAlgorithm, String)
    /// The backend does not implement this algorithm.
    case unsupportedAlgorithm(String)
    /// OpenSSL refused an operation; the text is drained from its per-thread error queue.
    case openssl(operation: String, reason: String)
    /// BoringSSL (through swift-crypto) refused an operation; the text is swift-crypto's error.
    case boringssl(operation: String, reason: String)

    public var description: String {
        switch self {
        case .invalidKey(let m): return "invalid key: \(m)"
        case .keyDoesNotFitAlgorithm(let alg, let m): return "key does not fit \(alg.rawValue): \(m)"
        case .unsupportedAlgorithm(let a): return "unsupported algorithm: \(a)"
        case .openssl(let op, let r): return "OpenSSL \(op) failed: \(r)"
        case .boringssl(let op, let r): return "BoringSSL \(op) failed: \(r)"
        }
    }
}
