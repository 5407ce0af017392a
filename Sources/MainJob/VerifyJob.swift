import Foundation
import JOSECrypto
import JWTValidation
import KeySources
import Measurement
import Policy
import Reports
import Revocation

/// The whole of `jwtbench verify`: tokens (or one request) decided under an ngrok policy with
/// its real key sources plus `--keys` files, one `DecisionJSON` line per input.
public struct VerifyJob: Sendable {
    /// What `jwtbench verify` was asked for, as given on the command line.
    public struct Request: Sendable {
        public var policy: String
        public var keyFiles: [String] = []
        /// nil: now.
        public var now: Int64?
        /// A request file (JSON: method, headers, body) instead of tokens.
        public var request: String?
        /// nil: the policy's `crypto_backend`, else `auto`.
        public var backend: (any CryptoBackend)?
        /// Tokens, or `["-"]` for one per line on the input.
        public var tokens: [String] = []

        public init(policy: String) { self.policy = policy }
    }

    /// How many inputs (tokens, or the request) were decided, and how many denied.
    public struct Outcome: Sendable, Equatable {
        public var inputs = 0
        public var denied = 0
    }

    public let request: Request

    public init(_ request: Request) { self.request = request }

    /// Decides every input and sends each decision's line to `out`; `warn` gets the key
    /// sources' warnings (the skipped keys as one summary line), `readLine` gives the input
    /// lines for `-`.
    /// - Throws: `HarnessError.usage` for bad usage or configuration (no tokens, an unreadable
    ///   policy or request file), `KeySourceError` for unusable keys.
    public func run(
        out: (String) -> Void, warn: (String) -> Void,
        readLine: () -> String? = { Swift.readLine(strippingNewline: true) }
    ) throws -> Outcome {
        let r = request
        if r.request != nil, !r.tokens.isEmpty { throw HarnessError.usage("give either --request or tokens, not both") }
        if r.request == nil, r.tokens.isEmpty {
            throw HarnessError.usage("no tokens: pass tokens as arguments, '-' for stdin, or --request FILE")
        }
        let loaded: Policy
        let revocation: RevocationReloader?
        do {
            loaded = try Policy.load(path: r.policy)
            revocation = try loaded.loadRevocation()
        } catch {
            throw HarnessError.usage("\(r.policy): \(error)")
        }
        var skippedKeys: [String] = []
        let sources = try PolicyKeySources.primed(
            for: loaded, extraKeyFiles: r.keyFiles, backend: r.backend,
            warn: { line in
                if let key = Self.skippedKey(line) { skippedKeys.append(key) } else { warn(line) }
            })
        if let summary = Self.skippedSummary(skippedKeys) { warn(summary) }
        defer { sources.shutdown() }
        let validator = Validator(policy: loaded, keys: sources.provider, revocation: revocation?.list)
        let at = r.now ?? Int64(Date().timeIntervalSince1970)
        if let path = r.request {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw HarnessError.usage("cannot read request file \(path): \(error.localizedDescription)")
            }
            let parsed: HTTPRequest
            do { parsed = try HTTPRequest(json: data) } catch { throw HarnessError.usage("\(path): \(error)") }
            sources.prepareForValidation()
            let decision = validator.validate(request: parsed, now: at)
            out(DecisionJSON.line(for: decision))
            return Outcome(inputs: 1, denied: decision.isAllowed ? 0 : 1)
        }
        var inputs = r.tokens
        if inputs == ["-"] {
            inputs = []
            while let line = readLine() {
                let t = line.trimmingCharacters(in: .whitespaces)
                if !t.isEmpty { inputs.append(t) }
            }
        }
        let decide = sources.tokenDecider(for: validator)
        var outcome = Outcome(inputs: inputs.count)
        for token in inputs {
            // Blocks only for the `none` and `ttl` strategies (see RemoteKeyProvider).
            sources.prepareForValidation()
            let decision = decide(token, at)
            if !decision.isAllowed { outcome.denied += 1 }
            out(DecisionJSON.line(for: decision))
        }
        return outcome
    }

    /// At most this many skipped keys are named in the summary line.
    static let skippedNamed = 5

    /// `rs256-1 (reason)` from the key sources' `warning: key "rs256-1" (file) skipped: reason`;
    /// nil for any other warning.
    static func skippedKey(_ line: String) -> String? {
        guard line.hasPrefix("warning: "), let marker = line.range(of: " skipped: ") else { return nil }
        let who = line[line.index(line.startIndex, offsetBy: 9)..<marker.lowerBound]
        let reason = line[marker.upperBound...]
        var name = "(no kid)"
        if who.hasPrefix("key \""), let end = who.dropFirst(5).firstIndex(of: "\"") {
            name = String(who[who.index(who.startIndex, offsetBy: 5)..<end])
        }
        return "\(name) (\(reason))"
    }

    /// `warning: N keys skipped: k1 (reason); k2 (reason); ... and M more`; nil for none.
    static func skippedSummary(_ keys: [String]) -> String? {
        guard !keys.isEmpty else { return nil }
        let noun = keys.count == 1 ? "key" : "keys"
        var line = "warning: \(keys.count) \(noun) skipped: " + keys.prefix(skippedNamed).joined(separator: "; ")
        if keys.count > skippedNamed { line += "; and \(keys.count - skippedNamed) more" }
        return line
    }
}
