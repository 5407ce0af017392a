import JOSECrypto
import JWTValidation

/// The real engine: the project's `Validator` for tokens and requests, and the verifier its key
/// snapshot prepared for raw signatures and key imports.
public struct ConformanceValidatorEngine: ConformanceEngine {
    /// Creates the engine; the validator and keys come with each case's trust.
    public init() {}

    /// `validator`.
    public var name: String { "validator" }

    /// Tokens and requests through `Validator`; raw signatures through the snapshot's verifier
    /// for the setup's single algorithm; key imports by whether any allowed algorithm finds a key.
    public func decide(_ input: ConformanceInput, trust: ConformanceTrust, now: Int64) -> ConformanceDecision {
        switch input {
        case .token(let token):
            return ConformanceDecision(trust.validator.validate(token: token, now: now))
        case .request(let request):
            return ConformanceDecision(trust.validator.validate(request: request, now: now))
        case .signature(let message, let signature):
            let algorithms = trust.setup.rules.allowedAlgorithms
            guard algorithms.count == 1, let algorithm = algorithms.first else {
                // A raw signature names no algorithm, so the setup must fix exactly one.
                return .deny(.algorithmNotAllowed, "a raw-signature case needs exactly one algorithm, not \(algorithms.map(\.rawValue))")
            }
            switch trust.validator.verify(signature: signature, message: message, algorithm: algorithm) {
            case .success(let backend):
                return .allow("verified \(algorithm.rawValue) (\(backend))")
            case .failure(let denial) where denial.reason == .keyNotFound:
                return .deny(.keyNotFound, trust.noKeyDetail(for: [algorithm]))
            case .failure(let denial):
                return .deny(denial.reason, denial.detail)
            }
        case .keyImport:
            let algorithms = trust.setup.rules.allowedAlgorithms
            var serves: [String] = []
            for algorithm in algorithms {
                if case .found = trust.keys.lookup(kid: nil, algorithm: algorithm) { serves.append(algorithm.rawValue) }
            }
            if serves.isEmpty { return .deny(.keyNotFound, trust.noKeyDetail(for: algorithms)) }
            return .allow("key accepted for \(serves.joined(separator: ", "))")
        case .decryption(let token, let plaintext):
            switch trust.validator.decrypt(token: token) {
            case .success(let decrypted) where decrypted == plaintext:
                return .allow("decrypted to the expected \(plaintext.count) bytes")
            case .success(let decrypted):
                return .deny(.decryptionFailed, "decrypted to \(decrypted.count) bytes that differ from the expected plaintext")
            case .failure(let denial):
                return .deny(denial.reason, denial.detail)
            }
        case .jwePrimitive(let vector):
            return vector.decide()
        }
    }
}
