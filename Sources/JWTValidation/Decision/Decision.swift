/// The outcome of validating one token: allow with what was verified, or deny with a reason.
/// Token problems are always a `deny`, never a thrown error.
public enum Decision: Sendable {
    case allow(VerifiedToken)
    case deny(Denial)

    public var isAllowed: Bool {
        if case .allow = self { return true }
        return false
    }

    /// The deny reason, or nil for allow.
    public var reason: ReasonCode? {
        if case .deny(let d) = self { return d.reason }
        return nil
    }

    public var httpStatus: Int {
        switch self {
        case .allow: return 200
        case .deny(let d): return d.httpStatus
        }
    }
}

/// The outcome for a whole request: every configured token must be allowed.
public enum RequestDecision: Sendable {
    case allow([VerifiedToken])
    case deny(Denial)

    public var isAllowed: Bool {
        if case .allow = self { return true }
        return false
    }

    public var reason: ReasonCode? {
        if case .deny(let d) = self { return d.reason }
        return nil
    }

    public var httpStatus: Int {
        switch self {
        case .allow: return 200
        case .deny(let d): return d.httpStatus
        }
    }
}
