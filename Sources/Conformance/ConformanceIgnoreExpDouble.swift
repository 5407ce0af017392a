import Foundation
import JOSECrypto
import JWTValidation

/// A deliberately broken engine that never checks `exp`: a test double showing that the run
/// fails on exactly the cases that need the expiry check. Selected on the command line with the
/// hidden `--validator-double ignore-exp`.
///
/// It runs the real validator; when that denies a token only because it expired, the token is
/// decided again at one second before its `exp`. Checks run in a fixed order and the first
/// failure wins, so the checks before `exp` have already passed, and the second run performs
/// every check after it (nbf, lifetime, audience, key, signature): the decision of a
/// validator whose expiry check is missing.
public struct ConformanceIgnoreExpDouble: ConformanceEngine {
    private let real = ConformanceValidatorEngine()

    /// Creates the double.
    public init() {}

    /// Says it is a test double, so no report can be mistaken for a real run.
    public var name: String { "ignore-exp (test double)" }

    /// The real decision, except that `exp` is never checked for tokens and requests.
    public func decide(_ input: ConformanceInput, trust: ConformanceTrust, now: Int64) -> ConformanceDecision {
        switch input {
        case .token(let token):
            return ConformanceDecision(decide(token: token, location: nil, validator: trust.validator, now: now))
        case .request(let request):
            // Validator+Request's steps, with the exp-blind token decision in the loop.
            let validator = trust.validator
            switch TokenExtractor.extract(from: request, locations: validator.locations) {
            case .failure(let denial):
                return .deny(denial.reason, denial.detail)
            case .success(let tokens):
                if let large = tokens.first(where: { $0.token.utf8.count > validator.rules.maxTokenBytes }) {
                    return .deny(.tokenTooLarge, "token in \(large.locationDescription) is \(large.token.utf8.count) bytes")
                }
                var algorithms: [String] = []
                for extracted in tokens {
                    switch decide(token: extracted.token, location: extracted.location, validator: validator, now: now) {
                    case .allow(let verified): algorithms.append(verified.algorithmName)
                    case .deny(let denial): return .deny(denial.reason, "\(extracted.locationDescription): \(denial.detail)")
                    }
                }
                return .allow("verified \(algorithms.joined(separator: ", ")) (exp not checked)")
            }
        case .signature, .keyImport, .decryption, .jwePrimitive:
            return real.decide(input, trust: trust, now: now)
        }
    }

    private func decide(token: String, location: TokenLocation?, validator: Validator, now: Int64) -> Decision {
        let decision = validator.validate(token: token, now: now, location: location)
        guard case .deny(let denial) = decision, denial.reason == .expired else { return decision }
        if let exp = Self.expiry(of: token) {
            return validator.validate(token: token, now: min(now, exp - 1), location: location)
        }
        // An encrypted token's exp is inside it: find the last second at which it had not
        // expired (being expired only grows with time), and decide there.
        var notExpired: Int64 = 0
        var expired = now
        while notExpired + 1 < expired {
            let mid = notExpired + (expired - notExpired) / 2
            if validator.validate(token: token, now: mid, location: location).reason == .expired {
                expired = mid
            } else {
                notExpired = mid
            }
        }
        return validator.validate(token: token, now: notExpired, location: location)
    }

    /// The integer `exp` claim of a compact token, read without any check (the validator has
    /// already parsed it strictly, or it would not have said `expired`).
    public static func expiry(of token: String) -> Int64? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64URL.decode(String(parts[1])),
            let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any],
            let exp = object["exp"] as? NSNumber
        else { return nil }
        return exp.int64Value
    }
}
