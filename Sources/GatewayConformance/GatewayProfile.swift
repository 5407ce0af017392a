import JWTValidation

/// How strictly a gateway's denials are judged (`--gateway-profile`). Every profile requires
/// an allowed case to get a 2xx and reach the upstream with its headers and body as sent, and a
/// denied case to reach nothing; they differ in what the denial must say.
public enum GatewayProfile: String, Sendable, CaseIterable, CustomStringConvertible {
    /// `jwtbench gateway`: the reason code's status and `WWW-Authenticate` (docs/ARCHITECTURE.md,
    /// Reason codes) and `{"reason":"<code>"}` in the body, so the exact reason is checked.
    case jwtbench
    /// Any other gateway: a denial is 401 or 403; the body and headers are not read, because
    /// gateways word denials their own way.
    case generic

    /// Whether a denial's status must be the reason code's (else 401 or 403 passes).
    public var requiresExactStatus: Bool { self == .jwtbench }
    /// Whether the denial's body must name the reason code and `WWW-Authenticate` match it.
    public var requiresReason: Bool { self == .jwtbench }

    /// The expected-failure list a profile uses by default, in the project's `vectors/`
    /// (when it exists): the features that gateway lacks, each with why.
    public var expectedFailuresFile: String { "expected-failures-\(rawValue).json" }

    /// The statuses a denial for `reason` may carry (nil: any reason).
    public func deniedStatuses(for reason: ReasonCode?) -> Set<Int> {
        guard requiresExactStatus, let reason else { return [401, 403] }
        return [reason.httpStatus]
    }

    public var description: String { rawValue }
}
