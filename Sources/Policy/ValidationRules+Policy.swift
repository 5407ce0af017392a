import JWTValidation

extension ValidationRules {
    /// The rules a parsed ngrok policy asks for.
    public init(policy: Policy) {
        self.init(
            issuers: policy.issuers, audiences: policy.audiences, allowedAlgorithms: policy.allowedAlgorithms,
            leeway: policy.leewaySeconds, requireExpiration: policy.requireExpiration,
            maxLifetime: policy.maxLifetimeSeconds, maxTokenBytes: policy.maxTokenBytes,
            tokenType: policy.tokens.first?.type ?? .jwt, encryption: policy.jwe?.rules ?? .signedOnly)
    }
}

extension Validator {
    /// A validator for `policy` with `keys`, extracting tokens where the policy says, and
    /// denying tokens on `revocation` (the policy's loaded denylist, if it has one).
    public init(policy: Policy, keys: any KeyProvider, revocation: (any RevocationCheck)? = nil) {
        self.init(rules: ValidationRules(policy: policy), keys: keys, locations: policy.tokens, revocation: revocation)
    }
}
