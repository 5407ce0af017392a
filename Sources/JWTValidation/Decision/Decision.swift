/// The outcome of a validation: allow with what was verified, or deny with a reason. Token
/// problems are always a `deny`, never a thrown error.
///
/// One type for both shapes of answer: `Decision` (one token, allowed as a `VerifiedToken`)
/// and `RequestDecision` (a request, allowed with every configured token verified).
public enum ValidationDecision<Allowed: Sendable>: Sendable {
    case allow(Allowed)
    case deny(Denial)

    /// Whether this is an allow.
    public var isAllowed: Bool {
        if case .allow = self { return true }
        return false
    }

    /// The deny reason, or nil for allow.
    public var reason: ReasonCode? {
        if case .deny(let d) = self { return d.reason }
        return nil
    }

    /// 200 for allow, else the reason's status (401, or 403 for `audience_not_allowed`).
    public var httpStatus: Int {
        switch self {
        case .allow: return 200
        case .deny(let d): return d.httpStatus
        }
    }
}

/// The decision for one token.
public typealias Decision = ValidationDecision<VerifiedToken>

/// The decision for a whole request: every configured token must be allowed.
public typealias RequestDecision = ValidationDecision<[VerifiedToken]>
