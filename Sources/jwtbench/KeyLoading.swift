import Foundation
import JOSECrypto
import JWTValidation
import KeySources
import Policy

/// Builds the key sources for a policy plus `--keys` files.
enum KeyLoading {
    /// The policy's key sources plus `extraKeyFiles`, each remote one (`additional_jkus`, or
    /// issuers with `oidc_discovery`) fetched once before returning, so validations start from
    /// a loaded set. A remote source that cannot be fetched is logged on stderr and its
    /// lookups answer `keys_unavailable`: a per-token decision, not a configuration error.
    /// Call `shutdown()` on the result when done.
    static func sources(for policy: Policy, extraKeyFiles: [String], backend: (any CryptoBackend)? = nil,
                        primeTimeout: Duration = .seconds(10)) throws -> PolicyKeySources {
        let sources: PolicyKeySources
        do {
            sources = try PolicyKeySources(policy: policy, extraKeyFiles: extraKeyFiles, backend: backend)
        } catch let error as KeySourceError {
            throw CLIError.configuration(error.description)
        } catch {
            throw CLIError.configuration("\(error)")
        }
        // Checked after building: `oidc_discovery` makes the issuers key sources too.
        guard !sources.isEmpty else {
            throw CLIError.configuration("no keys: the policy names no key source; pass a JWKS with --keys FILE")
        }
        if let fixed = sources.fixed {
            for skipped in fixed.skipped {
                FileHandle.standardError.write(Data("warning: key \(skipped.kid ?? "(no kid)") skipped: \(skipped.reason)\n".utf8))
            }
            if fixed.keys.isEmpty && sources.remotes.isEmpty {
                throw CLIError.configuration(
                    "none of the \(fixed.skipped.count) keys fits the allowed algorithms \(policy.allowedAlgorithms.map(\.rawValue))")
            }
        }
        // Failures are already logged by the sources; the affected lookups say why.
        _ = sources.prime(timeout: primeTimeout)
        return sources
    }
}
