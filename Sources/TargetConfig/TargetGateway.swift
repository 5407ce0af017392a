/// A gateway `jwtbench target-config` writes configuration for: the gateways our users run in
/// front of their origins, each configured to enforce one jwtbench policy.
public enum TargetGateway: String, Sendable, CaseIterable, CustomStringConvertible {
    /// `jwtbench gateway`: the policy itself, with the key server as its JWKS source.
    case jwtbench
    /// ngrok's `jwt-validation` Traffic Policy action (the policy schema is ngrok's own).
    case ngrok
    /// Envoy's `jwt_authn` HTTP filter in front of a static upstream cluster.
    case envoy
    /// NGINX Plus `auth_jwt` (R29 or later: `auth_jwt_require ... error=`, `auth_jwt_key_request`).
    case nginxPlus = "nginx-plus"
    /// Apache httpd with mod_auth_openidc as an OAuth 2.0 resource server (`AuthType oauth20`).
    case apacheOpenIDC = "apache-openidc"

    /// Whether the generated configuration is run here, against real software, by a script in
    /// `scripts/` (the others are covered by tests of their content only).
    public var testedHere: Bool { self == .jwtbench || self == .apacheOpenIDC }

    /// The `conform --gateway-profile` that judges this gateway: only jwtbench's denials carry
    /// our reason codes.
    public var conformProfile: String { self == .jwtbench ? "jwtbench" : "generic" }

    public var description: String { rawValue }
}
