import Foundation
import JOSECrypto
import JWTValidation
import KeySources
import Measurement
import Policy
import TokenMint

/// Tokens read from files for `jwtbench load --policy`: one token per line, and optionally the
/// `expected.jsonl` that `jwtbench mint --out` writes beside them (one JSON object per line
/// with `id`, `alg`, `now` and `expect`), so every decision can still be checked.
public struct PolicyTokenSet: Sendable {
    public struct Item: Sendable {
        public let id: String
        public let algorithm: String
        public let token: String
        /// nil: must be allowed.
        public let expected: ReasonCode?
    }

    public let items: [Item]
    /// The validation time the expectations were stated for (the mint time), if the
    /// expectations file gives one.
    public let now: Int64?
    /// Whether the expectations came from a file (otherwise every token must be allowed).
    public let fromExpectations: Bool

    /// Reads `tokensPath`, and `expectedPath` when given. Without expectations every token is
    /// expected to be allowed, the usual case for tokens an identity provider issued.
    public static func load(tokensPath: String, expectedPath: String?) throws -> PolicyTokenSet {
        do {
            let tokens = try MintOutputReader.tokens(atPath: tokensPath)
            guard let expectedPath else {
                let items = tokens.enumerated().map { i, t in
                    Item(id: "line-\(i + 1)", algorithm: headerAlgorithm(t) ?? "unknown", token: t, expected: nil)
                }
                return PolicyTokenSet(items: items, now: nil, fromExpectations: false)
            }
            let lines = try MintOutputReader.expectations(atPath: expectedPath, tokenCount: tokens.count, tokensPath: tokensPath)
            let items = zip(tokens, lines).enumerated().map { i, pair in
                Item(
                    id: pair.1.id ?? "line-\(i + 1)", algorithm: pair.1.algorithm ?? headerAlgorithm(pair.0) ?? "unknown",
                    token: pair.0, expected: pair.1.reason)
            }
            return PolicyTokenSet(items: items, now: lines.lazy.compactMap(\.now).first, fromExpectations: true)
        } catch {
            throw HarnessError.usage(error.description)
        }
    }

    /// The `alg` of a token's JOSE header, for labelling series (not for validating).
    static func headerAlgorithm(_ token: String) -> String? {
        guard let dot = token.firstIndex(of: "."), let bytes = Base64URL.decode(String(token[..<dot])),
            let header = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        else { return nil }
        return header["alg"] as? String
    }

    /// The items of one algorithm label.
    public func filtered(_ algorithm: String) -> [Item] { items.filter { $0.algorithm == algorithm } }

    /// Algorithm labels in first-seen order.
    public var algorithms: [String] {
        var seen: [String] = []
        for item in items where !seen.contains(item.algorithm) { seen.append(item.algorithm) }
        return seen
    }
}

/// A user's policy with its real key sources (for example `additional_jkus` under the
/// policy's key-cache strategy) deciding tokens read from files.
public struct PolicyTarget: LoadTarget {
    let tokens: [String]
    let validate: @Sendable (String, Int64) -> Decision
    /// What a gateway does before each request: a no-op for the non-blocking strategies, a
    /// (possibly blocking) refresh for `none` and `ttl`.
    let prepare: @Sendable () -> Void
    let now: Int64

    public init(
        tokens: [String], now: Int64, prepare: @escaping @Sendable () -> Void,
        validate: @escaping @Sendable (String, Int64) -> Decision
    ) {
        self.tokens = tokens
        self.now = now
        self.prepare = prepare
        self.validate = validate
    }

    @inline(__always)
    public func decide(_ index: Int) -> ReasonCode? {
        prepare()
        return validate(tokens[index], now).reason
    }
}

/// What `LoadRun` needs to time a user's policy on tokens from files.
public struct ExternalWorkload: Sendable {
    public let tokens: PolicyTokenSet
    /// The validation time.
    public let now: Int64
    public let prepare: @Sendable () -> Void
    public let validate: @Sendable (String, Int64) -> Decision
    /// For the log and the report: where the tokens and the policy came from.
    public let source: String
    public let policyDescription: String

    public init(
        tokens: PolicyTokenSet, now: Int64, source: String, policyDescription: String,
        prepare: @escaping @Sendable () -> Void, validate: @escaping @Sendable (String, Int64) -> Decision
    ) {
        self.tokens = tokens
        self.now = now
        self.source = source
        self.policyDescription = policyDescription
        self.prepare = prepare
        self.validate = validate
    }
}

extension ExternalWorkload {
    /// `policy` with `sources` (already primed) deciding `tokens`: through the verified-token
    /// cache when the policy's strategy has one, and with the strategy's per-request step (a
    /// no-op except for `none` and `ttl`) before every validation, as a gateway would; tokens
    /// on `revocation` (the policy's loaded denylist) are denied.
    public static func policy(
        _ policy: Policy, sources: PolicyKeySources, tokens: PolicyTokenSet, now: Int64?, source: String, policyName: String,
        revocation: (any RevocationCheck)? = nil
    ) -> ExternalWorkload {
        let decide = sources.tokenDecider(for: Validator(policy: policy, keys: sources.provider, revocation: revocation))
        return ExternalWorkload(
            tokens: tokens, now: now ?? tokens.now ?? Int64(Date().timeIntervalSince1970), source: source,
            policyDescription: "\(policyName) (key cache: \(sources.strategy.name))",
            prepare: { _ = sources.prepareForValidation() },
            validate: decide)
    }
}
