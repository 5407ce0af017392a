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
                warn("warning: key \(skipped.kid ?? "(no kid)") skipped: \(skipped.reason)")
            }
            if fixed.keys.isEmpty && sources.remotes.isEmpty {
                throw KeySourceError(
                    source: "", kind: .noUsableKey,
                    message:
                        "none of the \(fixed.skipped.count) keys fits the allowed algorithms \(policy.allowedAlgorithms.map(\.rawValue))")
            }
        }
        // Failures are already logged by the sources; the affected lookups say why.
        _ = sources.prime(timeout: primeTimeout)
        return sources
    }
}
