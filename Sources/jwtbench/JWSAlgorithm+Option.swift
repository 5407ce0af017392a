import JOSECrypto
import Measurement

extension JWSAlgorithm {
    /// The algorithm an `--alg` option names; otherwise a usage error listing the names there are.
    static func named(_ name: String) throws -> JWSAlgorithm {
        guard let algorithm = JWSAlgorithm(rawValue: name) else {
            throw HarnessError.usage(
                "unknown algorithm \"\(name)\"; use one of \(JWSAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return algorithm
    }
}
