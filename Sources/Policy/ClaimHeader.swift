/// A verified claim forwarded to the origin as a request header (`jwtbench.claim_to_headers`,
/// as Envoy's `claim_to_headers`): the gateway sets `header` to the claim's value on allowed
/// requests and always removes any `header` the client sent, so the origin can trust it.
public struct ClaimHeader: Sendable, Hashable {
    /// The claim's path in the payload: a member name, or names joined by `.` for nested
    /// objects (`org.id`).
    public var claim: String
    /// The header field name, as written in the policy.
    public var header: String

    /// A mapping as given; `PolicyParser` checks the names.
    public init(claim: String, header: String) {
        self.claim = claim
        self.header = header
    }
}
