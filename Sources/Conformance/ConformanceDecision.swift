import JWTValidation

/// The decision an engine made for one case: allow, or deny with a reason code, plus a detail
/// that says what happened (for failure reports; not a contract).
public struct ConformanceDecision: Sendable, Hashable, CustomStringConvertible {
    /// Nil when allowed.
    public let reason: ReasonCode?
    /// What happened, for failure reports (the denial's detail, or what was verified).
    public let detail: String?

    /// Whether the decision is allow.
    public var isAllowed: Bool { reason == nil }

    /// An allow, with what was verified.
    public static func allow(_ detail: String? = nil) -> ConformanceDecision {
        ConformanceDecision(reason: nil, detail: detail)
    }

    /// A deny with `reason`.
    public static func deny(_ reason: ReasonCode, _ detail: String) -> ConformanceDecision {
        ConformanceDecision(reason: reason, detail: detail)
    }

    /// A decision with `reason` (nil: allow) and `detail`.
    public init(reason: ReasonCode?, detail: String?) {
        self.reason = reason
        self.detail = detail
    }

    /// The validator's decision for a token.
    public init(_ decision: Decision) {
        switch decision {
        case .allow(let token):
            self.init(reason: nil, detail: "verified \(token.algorithmName) (\(token.backend))")
        case .deny(let denial):
            self.init(reason: denial.reason, detail: denial.detail)
        }
    }

    /// The validator's decision for a request.
    public init(_ decision: RequestDecision) {
        switch decision {
        case .allow(let tokens):
            self.init(reason: nil, detail: "verified " + tokens.map { "\($0.algorithmName) (\($0.backend))" }.joined(separator: ", "))
        case .deny(let denial):
            self.init(reason: denial.reason, detail: denial.detail)
        }
    }

    /// `allow` or `deny(<reason>)`, the notation of the outputs.
    public var description: String { reason.map { "deny(\($0.rawValue))" } ?? "allow" }
}
