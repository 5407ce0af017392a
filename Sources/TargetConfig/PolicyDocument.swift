import JWTValidation
import Policy

/// The policy as an ngrok Traffic Policy document (`on_http_request` with one `jwt-validation`
/// action), with the key server as its only key source: what ngrok reads, and what
/// `jwtbench gateway --policy` reads with the `jwtbench:` extensions.
enum PolicyDocument {
    /// The document; `extensions` adds the `jwtbench:` block (ngrok would reject it), and
    /// `denylistFile` is the name the copied denylist gets beside the document.
    static func yaml(_ r: TargetConfigRequest, extensions: Bool, denylistFile: String?) -> String {
        let p = r.policy
        var lines = [
            "# \(r.gateway) configuration for the jwtbench policy \"\(r.policyName)\" (jwtbench target-config).",
            "on_http_request:", "  - actions:", "      - type: jwt-validation", "        config:",
        ]
        let c = "          "
        lines.append(c + "issuer:")
        lines.append(c + "  allow_list:")
        lines += p.issuers.map { c + "    - value: \(ConfigText.yaml($0))" }
        if !p.audiences.isEmpty {
            lines.append(c + "audience:")
            lines.append(c + "  allow_list:")
            lines += p.audiences.map { c + "    - value: \(ConfigText.yaml($0))" }
        }
        lines.append(c + "http:")
        lines.append(c + "  tokens:")
        for t in p.tokens {
            lines.append(c + "    - type: \(t.type.rawValue)")
            lines.append(c + "      method: \(t.method.rawValue)")
            lines.append(c + "      name: \(ConfigText.yaml(t.name))")
            if !t.prefix.isEmpty { lines.append(c + "      prefix: \(ConfigText.yaml(t.prefix))") }
        }
        lines.append(c + "jws:")
        lines.append(c + "  allowed_algorithms: [\(p.allowedAlgorithms.map(\.rawValue).joined(separator: ", "))]")
        lines.append(c + "  keys:")
        lines.append(c + "    sources:")
        lines.append(c + "      additional_jkus: [\(ConfigText.yaml(r.jwks.description))]")
        if extensions {
            let ext = extensionLines(p, denylistFile: denylistFile)
            if !ext.isEmpty { lines += [c + "jwtbench:"] + ext.map { c + "  " + $0 } }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The `jwtbench:` members the policy sets, in the parser's syntax.
    static func extensionLines(_ p: Policy, denylistFile: String?) -> [String] {
        var ext: [String] = []
        if p.leewaySeconds != 0 { ext.append("leeway: \(p.leewaySeconds)") }
        if p.requireExpiration { ext.append("require_expiration: true") }
        if let max = p.maxLifetimeSeconds { ext.append("max_lifetime: \(max)") }
        if p.maxTokenBytes != ValidationRules.defaultMaxTokenBytes { ext.append("max_token_bytes: \(p.maxTokenBytes)") }
        if let cache = p.keyCache {
            ext.append("key_cache:")
            ext.append("  strategy: \(cache.strategy)")
            ext += cache.options.sorted { $0.key < $1.key }.map { "  \($0.key): \(ConfigText.yaml($0.value))" }
        }
        if let backend = p.cryptoBackend { ext.append("crypto_backend: \(backend)") }
        if !p.claimHeaders.isEmpty {
            ext.append("claim_to_headers:")
            ext += p.claimHeaders.map { "  - {claim: \(ConfigText.yaml($0.claim)), header: \(ConfigText.yaml($0.header))}" }
        }
        if let jwe = p.jwe {
            // The decryption keys are private: written only into jwtbench's own policy.
            ext += [
                "jwe:", "  require: \(jwe.requirement.rawValue)",
                "  allowed_key_management: [\(jwe.allowedKeyManagement.map(\.rawValue).joined(separator: ", "))]",
                "  allowed_content_encryption: [\(jwe.allowedContentEncryption.map(\.rawValue).joined(separator: ", "))]",
                "  keys:",
            ]
            // Every key inline (the files' keys included), so the folder stands on its own.
            ext.append("    inline: {keys: [\(jwe.keys.map { $0.jsonString() }.joined(separator: ", "))]}")
        }
        if let revocation = p.revocation, let denylistFile {
            let ms =
                revocation.reloadInterval.components.seconds * 1000 + revocation.reloadInterval.components.attoseconds
                / 1_000_000_000_000_000
            ext += ["revocation:", "  file: \(ConfigText.yaml(denylistFile))", "  reload_interval: \(ms)ms"]
        }
        return ext
    }
}
