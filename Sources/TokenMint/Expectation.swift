import JWTValidation

/// What the validator must decide for a case.
public enum Expectation: Sendable, Hashable, CustomStringConvertible {
    case allow
    case deny(ReasonCode)
    /// Either answer is correct (Wycheproof's `acceptable`); recorded, never a failure.
    case acceptable

    /// Whether `decision` (nil reason = allow) meets this expectation.
    public func isMet(by reason: ReasonCode?, allowed: Bool) -> Bool {
        switch self {
        case .allow: return allowed
        case .deny(let r): return !allowed && reason == r
        case .acceptable: return true
        }
    }

    public var description: String {
        switch self {
        case .allow: return "allow"
        case .deny(let r): return "deny(\(r.rawValue))"
        case .acceptable: return "acceptable"
        }
    }

    /// `{"decision":"deny","reason":"expired"}` form used in JSONL and vector files.
    public var json: String {
        switch self {
        case .allow: return "{\"decision\":\"allow\",\"reason\":null}"
        case .deny(let r): return "{\"decision\":\"deny\",\"reason\":\"\(r.rawValue)\"}"
        case .acceptable: return "{\"decision\":\"acceptable\",\"reason\":null}"
        }
    }
}
