import JOSECrypto
import JWTValidation
import Policy

extension PolicyKeySources {
    /// A policy's key sources plus `extraKeyFiles` (`--keys`), ready to validate with: each
    /// remote source (`additional_jkus`, or issuers with `oidc_discovery`) is fetched once
    /// before returning, so validations start from a loaded set. A remote source that cannot
    /// be fetched is logged and its lookups answer `keys_unavailable`: a per-token decision,
    /// not a configuration error. Call `shutdown()` on the result when done.
    ///
    /// - Parameter warn: told about each key that was skipped (one line each).
    /// - Throws: `KeySourceError` for an unreadable key file, a policy with no key source at
    ///   all, or fixed keys none of which fits the allowed algorithms;
    ///   `KeyCacheConfigurationError` for a bad `key_cache`.
    public static func primed(
        for policy: Policy, extraKeyFiles: [String], backend: (any CryptoBackend)? = nil,
        primeTimeout: Duration = .seconds(10), warn: (String) -> Void
    ) throws -> PolicyKeySources {
        let sources = try PolicyKeySources(policy: policy, extraKeyFiles: extraKeyFiles, backend: backend)
        // Checked after building: `oidc_discovery` makes the issuers key sources too.
        guard !sources.isEmpty else {
            throw KeySourceError(
                source: "", kind: .noUsableKey,
                message: "no keys: the policy names no key source; pass a JWKS with --keys FILE")
        }
        if let fixed = sources.fixed {
            for skipped in fixed.skipped {
                warn("warning: \(sources.describe(skipped)) skipped: \(skipped.reason)")
            }
            if fixed.keys.isEmpty && sources.remotes.isEmpty {
                // One line that says, for each key, where it is and what is wrong with it.
                let reasons = fixed.skipped.map { "\(sources.describe($0)): \(Self.oneLine($0.reason))" }
                throw KeySourceError(
                    source: "", kind: .noUsableKey,
                    message:
                        "none of the \(fixed.skipped.count) keys fits the allowed algorithms \(policy.allowedAlgorithms.map(\.rawValue)): "
                        + reasons.joined(separator: "; "))
            }
        }
        // Failures are already logged by the sources; the affected lookups say why.
        _ = sources.prime(timeout: primeTimeout)
        return sources
    }

    /// The key sources a long-running validator uses (`load --policy`, the gateway): `primed`,
    /// then started, so the strategy's background work (refresh-ahead, unknown-kid refetches,
    /// retries) goes on while it runs. The caller calls `shutdown()` when done.
    /// - Throws: as `primed`.
    public static func started(
        for policy: Policy, extraKeyFiles: [String], backend: (any CryptoBackend)? = nil,
        primeTimeout: Duration = .seconds(10), warn: (String) -> Void
    ) throws -> PolicyKeySources {
        let sources = try primed(for: policy, extraKeyFiles: extraKeyFiles, backend: backend, primeTimeout: primeTimeout, warn: warn)
        // Started after priming: the loaded set is kept (no second cold-start fetch) and the
        // refresher thread takes over from here.
        sources.start()
        return sources
    }

    /// `key "k1" (keys/jwks.json)`: a skipped fixed key, by kid and the file(s) it came from.
    func describe(_ skipped: KeySnapshot.Skipped) -> String {
        let name = skipped.kid.map { "key \"\($0)\"" } ?? "a key without kid"
        let origins = fixedKeyOrigins[skipped.kid ?? ""] ?? []
        return origins.isEmpty ? name : "\(name) (\(origins.joined(separator: ", ")))"
    }

    /// `text` with line breaks folded to spaces, so a message stays one line.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
