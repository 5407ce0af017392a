import Foundation
import JOSECrypto
import JWTValidation
import KeySources
import Policy
import Measurement

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
        guard let data = FileManager.default.contents(atPath: tokensPath) else {
            throw HarnessError.usage("cannot read the tokens file \(tokensPath)")
        }
        let tokens = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !tokens.isEmpty else { throw HarnessError.usage("\(tokensPath) holds no tokens") }
        guard let expectedPath else {
            let items = tokens.enumerated().map { i, t in
                Item(id: "line-\(i + 1)", algorithm: headerAlgorithm(t) ?? "unknown", token: t, expected: nil)
            }
            return PolicyTokenSet(items: items, now: nil, fromExpectations: false)
        }
        guard let expectedData = FileManager.default.contents(atPath: expectedPath) else {
            throw HarnessError.usage("cannot read the expectations file \(expectedPath)")
        }
        let lines = String(decoding: expectedData, as: UTF8.self).split(whereSeparator: \.isNewline).filter { !$0.isEmpty }
        guard lines.count == tokens.count else {
            throw HarnessError.usage("\(expectedPath) has \(lines.count) lines for the \(tokens.count) tokens of \(tokensPath)")
        }
        var items: [Item] = []
        var now: Int64?
        for (i, line) in lines.enumerated() {
            let where_ = "\(expectedPath) line \(i + 1)"
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let expect = object["expect"] as? [String: Any], let decision = expect["decision"] as? String else {
                throw HarnessError.usage("\(where_): not an expectation object with expect.decision")
            }
            var reason: ReasonCode?
            switch decision {
            case "allow", "acceptable": reason = nil
            case "deny":
                guard let raw = expect["reason"] as? String, let r = ReasonCode(rawValue: raw) else {
                    throw HarnessError.usage("\(where_): a deny expectation needs a known reason code")
                }
                reason = r
            default: throw HarnessError.usage("\(where_): unknown decision \"\(decision)\"")
            }
            if now == nil, let n = object["now"] as? NSNumber { now = n.int64Value }
            items.append(Item(id: object["id"] as? String ?? "line-\(i + 1)",
                              algorithm: object["alg"] as? String ?? headerAlgorithm(tokens[i]) ?? "unknown",
                              token: tokens[i], expected: reason))
        }
        return PolicyTokenSet(items: items, now: now, fromExpectations: true)
    }

    /// The `alg` of a token's JOSE header, for labelling series (not for validating).
    static func headerAlgorithm(_ token: String) -> String? {
        guard let dot = token.firstIndex(of: "."), let bytes = Base64URL.decode(String(token[..<dot])),
              let header = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return nil }
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

    public init(tokens: [String], now: Int64, prepare: @escaping @Sendable () -> Void,
                validate: @escaping @Sendable (String, Int64) -> Decision) {
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

    public init(tokens: PolicyTokenSet, now: Int64, source: String, policyDescription: String,
                prepare: @escaping @Sendable () -> Void, validate: @escaping @Sendable (String, Int64) -> Decision) {
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
    /// no-op except for `none` and `ttl`) before every validation, as a gateway would.
    public static func policy(
        _ policy: Policy, sources: PolicyKeySources, tokens: PolicyTokenSet, now: Int64?, source: String, policyName: String
    ) -> ExternalWorkload {
        let decide = sources.tokenDecider(for: Validator(policy: policy, keys: sources.provider))
        return ExternalWorkload(
            tokens: tokens, now: now ?? tokens.now ?? Int64(Date().timeIntervalSince1970), source: source,
            policyDescription: "\(policyName) (key cache: \(sources.strategy.name))",
            prepare: { _ = sources.prepareForValidation() },
            validate: decide)
    }
}
