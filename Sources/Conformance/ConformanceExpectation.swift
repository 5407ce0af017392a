import JWTValidation

/// What a conformance case requires of the decision.
public enum ConformanceExpectation: Sendable, Hashable, CustomStringConvertible {
    /// The token (request, signature, key) must be accepted.
    case allow
    /// It must be denied: with exactly this reason, or with any reason when nil (external
    /// suites say only "invalid", not why).
    case deny(ReasonCode?)
    /// Either decision is correct (Wycheproof's `acceptable`, our vectors' `acceptable`): the
    /// case passes whatever happens, and the result records what did.
    case acceptable

    /// Whether `decision` meets this expectation.
    public func isMet(by decision: ConformanceDecision) -> Bool {
        switch self {
        case .allow: return decision.isAllowed
        case .deny(nil): return !decision.isAllowed
        case .deny(let reason?): return decision.reason == reason
        case .acceptable: return true
        }
    }

    /// `allow`, `deny(expired)`, `deny` (any reason) or `acceptable`: the notation of the
    /// JUnit, TAP and JSON outputs.
    public var description: String {
        switch self {
        case .allow: return "allow"
        case .deny(nil): return "deny"
        case .deny(let reason?): return "deny(\(reason.rawValue))"
        case .acceptable: return "acceptable"
        }
    }

    /// The expectation of a Wycheproof `result` (`valid`, `invalid`, `acceptable`); nil for an
    /// unknown value.
    public static func wycheproof(_ result: String) -> ConformanceExpectation? {
        switch result {
        case "valid": return .allow
        case "invalid": return .deny(nil)
        case "acceptable": return .acceptable
        default: return nil
        }
    }
}
