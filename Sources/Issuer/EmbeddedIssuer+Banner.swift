extension EmbeddedIssuer {
    /// What `jwtbench issuer` prints on start: its URLs, the signing key and a token valid
    /// from `now` for an hour, one line each, so a script can read the URL it needs.
    public func banner(now: Int64) -> [String] {
        let rotation = configuration.rotationInterval.map { interval in
            let (seconds, attoseconds) = interval.components
            let text = attoseconds == 0 ? "\(seconds)" : String(Double(seconds) + Double(attoseconds) / 1e18)
            return ", rotating every \(text) s"
        }
        return [
            "issuer:    \(issuer)", "jwks:      \(jwksURL)", "discovery: \(discoveryURL)",
            "signing:   \(signingKid) (\(configuration.algorithm.rawValue))\(rotation ?? "")",
            "token:     \((try? token(now: now)) ?? "(could not sign)")",
        ]
    }
}
