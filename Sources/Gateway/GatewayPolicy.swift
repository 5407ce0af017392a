import JOSECrypto
import JWTValidation
import KeySources
import Policy
import Revocation

/// A loaded policy with its key sources running: what the gateway decides requests with. A
/// reload builds a new one beside the old and swaps it in; requests in flight finish on the
/// one they started with.
public final class GatewayPolicy: Sendable {
    /// The file it was read from (nil: built in code).
    public let path: String?
    /// The parsed document.
    public let policy: Policy
    /// Its key sources, started (background refreshes run until `shutdown()`).
    public let sources: PolicyKeySources
    /// Decides one request (through the verified-token cache when the strategy has one).
    let decide: @Sendable (HTTPRequest, Int64) -> RequestDecision
    /// Whether some token is read from the body, so bodies of POST, PUT and PATCH requests
    /// are buffered before deciding. Other requests stream.
    let readsBody: Bool
    /// Whether deciding may block (a `none` or `ttl` key cache): then it runs on a thread
    /// pool, never on an event loop.
    let mayBlock: Bool
    /// Claims forwarded as headers, with the header names lower-cased for matching.
    let claimHeaders: [(claim: ClaimHeader, lowercasedHeader: String)]
    /// The header fields the validator reads: those of the header tokens, and `Content-Type`
    /// when a token is in the body, lower-cased. Only these are copied into its view of a request.
    let validationHeaderNames: [[UInt8]]
    /// The lower-cased names of `claimHeaders`: a client's fields of those names are dropped.
    let strippedNames: [[UInt8]]
    /// The policy's denylist and its file watcher (nil: no `jwtbench.revocation`); polling
    /// runs until `shutdown()`.
    public let revocation: RevocationReloader?

    /// Reads the policy at `path` and its denylist, loads its key sources (each remote set
    /// fetched once) and starts them, and starts watching the denylist file.
    /// - Parameter revocationEvents: what each later reload of the denylist did (a refused
    ///   file keeps the list in force).
    /// - Throws: `GatewayError` naming the file and the problem (an `ERR_NGROK_` message for a
    ///   bad document or denylist, the key file or key set for key problems).
    public static func load(
        path: String, keyFiles: [String] = [], backend: (any CryptoBackend)? = nil, warn: (String) -> Void = { _ in },
        revocationEvents: @escaping @Sendable (RevocationReloader.Event) -> Void = { _ in }
    ) throws(GatewayError) -> GatewayPolicy {
        let policy: Policy
        let revocation: RevocationReloader?
        do {
            policy = try Policy.load(path: path)
            revocation = try policy.loadRevocation(onEvent: revocationEvents)
        } catch {
            throw GatewayError("\(path): \(error)")
        }
        do {
            let sources = try PolicyKeySources.started(for: policy, extraKeyFiles: keyFiles, backend: backend, warn: warn)
            return GatewayPolicy(policy: policy, sources: sources, path: path, revocation: revocation)
        } catch {
            throw GatewayError("\(path): \(error)")
        }
    }

    /// `policy` deciding with `sources` (already primed and started) and denying what
    /// `revocation` lists (its polling is started here and stopped by `shutdown()`).
    public init(policy: Policy, sources: PolicyKeySources, path: String? = nil, revocation: RevocationReloader? = nil) {
        self.path = path
        self.policy = policy
        self.sources = sources
        self.revocation = revocation
        revocation?.start()
        decide = sources.requestDecider(for: Validator(policy: policy, keys: sources.provider, revocation: revocation?.list))
        readsBody = policy.tokens.contains { $0.method == .body }
        mayBlock = sources.validationMayBlock
        claimHeaders = policy.claimHeaders.map { ($0, $0.header.lowercased()) }
        strippedNames = claimHeaders.map { Array($0.lowercasedHeader.utf8) }
        validationHeaderNames = (policy.tokens.filter { $0.method == .header }.map(\.name) + (readsBody ? ["Content-Type"] : [])).map {
            Array($0.lowercased().utf8)
        }
    }

    /// Decides `request` at `now`: the strategy's per-request step first (which blocks only
    /// when `mayBlock`), then every configured token.
    func decision(for request: HTTPRequest, now: Int64) -> RequestDecision {
        if mayBlock { sources.prepareForValidation() }
        return decide(request, now)
    }

    /// Stops the key sources' and the denylist watcher's background work.
    public func shutdown() {
        sources.shutdown()
        revocation?.stop()
    }
}
