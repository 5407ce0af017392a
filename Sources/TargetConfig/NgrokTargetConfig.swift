/// ngrok: the policy is already in ngrok's own schema, so the document is the policy's
/// `jwt-validation` action without the `jwtbench:` extensions, which ngrok would reject.
enum NgrokTargetConfig {
    static func plan(_ r: TargetConfigRequest) throws(TargetConfigError) -> TargetConfigPlan {
        let gaps = r.gaps(supported: [.bodyToken, .severalTokens, .headerOtherThanBearer, .tokenType, .algorithmList])
        guard gaps.isEmpty else { throw .unsupported(.ngrok, gaps) }
        // ngrok fetches the JWKS from its edge, on the internet.
        guard r.jwks.isHTTPS, !r.jwks.isLoopback else {
            throw TargetConfigError("ngrok fetches keys from its cloud edge: the JWKS URL must be public https, not \(r.jwks)")
        }
        if r.caFile != nil { throw TargetConfigError("ngrok trusts public certificate authorities only; --ca-file does not apply") }
        var notes: [String] = []
        if r.policy.keyCache != nil || r.policy.cryptoBackend != nil {
            notes.append(
                "Not carried over: jwtbench.key_cache and jwtbench.crypto_backend (how jwtbench fetches and verifies, not what it enforces); ngrok manages its own."
            )
        }
        let files = [TargetConfigFile("traffic-policy.yml", PolicyDocument.yaml(r, extensions: false, denylistFile: nil))]
        return TargetConfigPlan(
            files: files, start: "ngrok http \(r.upstream.scheme)://\(r.upstream.authority) --traffic-policy-file traffic-policy.yml",
            notes: notes + [
                "ngrok enforces the policy on its endpoint, not on \(r.listenAuthority): point `conform --target` at an http:// URL of that endpoint."
            ])
    }
}
