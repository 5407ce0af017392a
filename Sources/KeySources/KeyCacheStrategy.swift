import Foundation
import JWTValidation
import Measurement
import Policy

/// How a remote key set is cached and refreshed: one of the strategies of docs/ARCHITECTURE.md (Key sources and key-cache strategies),
/// or a combination of them, with every knob.
///
/// Named in a policy (jwtbench extension) as `jwtbench.key_cache.strategy`, with the other
/// members of `key_cache` as options (see `init(settings:)`). Names combine with `+`:
///
/// | name | behaviour |
/// |---|---|
/// | `none` | fetch the JWKS for every validation (the baseline; blocks, see `RemoteKeyProvider.prepareForValidation()`) |
/// | `ttl` | cache for the TTL; the validation that finds it expired fetches, others wait (single-flight) |
/// | `refresh-ahead` | refresh in the background before expiry; validations never wait |
/// | `refetch-unknown-kid` | `ttl`, plus a refetch when a `kid` is unknown, at most once per cooldown, with a bounded negative cache |
/// | `stale-if-error` | `ttl`, plus serving the last good set through fetch failures, up to `max_stale` past expiry |
/// | `default` | `refresh-ahead+refetch-unknown-kid+stale-if-error` with the snapshot lookup |
/// | `token-cache` | `default` plus the verified-token cache (also `X+token-cache`) |
/// | `snapshot`, `mutex`, `per-thread` | the lookup variant (also the `lookup` option), e.g. `default+mutex` |
public struct KeyCacheStrategy: Sendable, Hashable, CustomStringConvertible {
    /// When the key set is fetched.
    public enum Refresh: String, Sendable, Hashable {
        /// Every validation fetches (`none`).
        case perValidation = "per-validation"
        /// A validation that finds the set expired fetches; the others wait (`ttl`).
        case onExpiry = "on-expiry"
        /// A background refresh ahead of expiry; validations never wait once a set is loaded.
        case ahead
    }

    /// How a lookup reaches the current snapshot (docs/ARCHITECTURE.md, Key sources and key-cache strategies).
    public enum LookupVariant: String, Sendable, Hashable, CaseIterable {
        /// An atomically swapped pointer: no lock, no allocation (the default).
        case snapshot
        /// A mutex around the current set, taken by every lookup (the naive baseline).
        case mutex
        /// Each thread keeps its own replica and re-reads it when the version moves.
        case perThread = "per-thread"
    }

    /// Refetch on an unknown `kid` (`refetch-unknown-kid`).
    public struct UnknownKidRefetch: Sendable, Hashable {
        /// At most one refetch per cooldown, whatever the number of unknown kids (30 s, as
        /// panva/jose, go-oidc and Nimbus use).
        public var cooldown: Duration
        /// Kids found absent after a refetch are remembered (at most this many) and never
        /// trigger another refetch until the next scheduled refresh.
        public var negativeCacheCapacity: Int

        /// A refetch policy; defaults to a 30 s cooldown and 1024 remembered kids.
        public init(cooldown: Duration = .seconds(30), negativeCacheCapacity: Int = 1024) {
            self.cooldown = cooldown
            self.negativeCacheCapacity = negativeCacheCapacity
        }
    }

    /// The verified-token cache (`token-cache`), like Envoy's `jwt_cache_config`.
    public struct TokenCache: Sendable, Hashable {
        /// Entries per thread.
        public var capacity: Int
        /// Longer tokens are never cached.
        public var maxTokenBytes: Int

        /// Envoy's defaults: 100 entries, tokens up to 4 KiB.
        public init(capacity: Int = 100, maxTokenBytes: Int = 4096) {
            self.capacity = capacity
            self.maxTokenBytes = maxTokenBytes
        }
    }

    /// The name this strategy was built from (for reports).
    public var name: String
    /// Who fetches, and when.
    public var refresh: Refresh
    /// The TTL when the JWKS response carries no usable `Cache-Control: max-age`; also the
    /// default upper bound on max-age. ngrok refreshes about every 15 minutes.
    public var refreshInterval: Duration
    /// Bounds on a server's `max-age`, so that `max-age=0` cannot turn into a fetch storm and a
    /// year-long max-age cannot pin a key set.
    public var minTTL: Duration
    /// See `minTTL`.
    public var maxTTL: Duration
    /// Whether `Cache-Control: max-age` (within the bounds) replaces `refreshInterval`.
    public var honoursCacheControl: Bool
    /// How long before expiry a background refresh starts; nil means a tenth of the TTL.
    public var refreshAhead: Duration?
    /// Refetch on unknown kids; nil disables.
    public var unknownKid: UnknownKidRefetch?
    /// Serve the last good set this long past its expiry while fetches fail; nil disables.
    public var maxStale: Duration?
    /// After a failed fetch, no new attempt before this long (0: the next validation retries).
    public var retryInterval: Duration
    /// How lookups reach the current snapshot.
    public var lookup: LookupVariant
    /// The verified-token cache; nil disables.
    public var tokenCache: TokenCache?
    /// Timeouts and size cap of every fetch.
    public var fetch: JWKSFetchLimits
    /// Find the JWKS through OIDC discovery of each policy issuer (jwtbench extension).
    public var oidcDiscovery: Bool

    /// The strategy names `named(_:)` accepts alone (combine them with `+`).
    public static let names = [
        "none", "ttl", "refresh-ahead", "refetch-unknown-kid", "stale-if-error", "default", "token-cache",
    ]

    /// The default for real use (docs/ARCHITECTURE.md, Key sources and key-cache strategies). The name is a constant this file
    /// accepts, so the conversion cannot fail.
    public static let `default` = try! KeyCacheStrategy.named("default")

    /// A strategy from its name (see the type's table), every knob at its default.
    public static func named(_ name: String) throws(KeyCacheConfigurationError) -> KeyCacheStrategy {
        try KeyCacheStrategy(settings: KeyCacheSettings(strategy: name))
    }

    /// The strategy a policy asks for; nil settings give `default`.
    ///
    /// Options (all optional; durations are seconds, or numbers with `ms`, `s`, `m`, `h`):
    /// `refresh_interval` (900), `min_ttl` (60, at most refresh_interval), `max_ttl`
    /// (refresh_interval), `honour_cache_control` (true), `refresh_ahead` (TTL / 10),
    /// `cooldown` (30), `negative_cache_size` (1024), `max_stale` (3600), `retry_interval`
    /// (0 for plain `ttl`, else 5), `lookup` (`snapshot`, `mutex`, `per-thread`),
    /// `token_cache_size` (100), `token_cache_max_bytes` (4096), `connect_timeout` (2),
    /// `read_timeout` (5), `fetch_timeout` (10), `max_jwks_bytes` (262144), `max_jwks_keys`
    /// (256), `oidc_discovery` (false). An unknown option is an error: a misspelt knob must not silently do nothing.
    public init(settings: KeyCacheSettings?) throws(KeyCacheConfigurationError) {
        let settings = settings ?? KeyCacheSettings(strategy: "default")
        var features = Set<String>()
        var lookup = LookupVariant.snapshot
        for part in settings.strategy.split(separator: "+", omittingEmptySubsequences: false) {
            let feature = part.trimmingCharacters(in: .whitespaces).lowercased()
            switch feature {
            case "default":
                features.formUnion(["refresh-ahead", "refetch-unknown-kid", "stale-if-error"])
            case "token-cache" where settings.strategy.split(separator: "+").count == 1:
                features.formUnion(["refresh-ahead", "refetch-unknown-kid", "stale-if-error", "token-cache"])
            case "none", "ttl", "refresh-ahead", "refetch-unknown-kid", "stale-if-error", "token-cache":
                features.insert(feature)
            default:
                if let variant = LookupVariant(rawValue: feature) {
                    lookup = variant
                } else {
                    throw KeyCacheConfigurationError(
                        "unknown key-cache strategy \"\(feature)\" in \"\(settings.strategy)\"; use \(Self.names.joined(separator: ", ")) (combined with +), or a lookup variant (snapshot, mutex, per-thread)"
                    )
                }
            }
        }
        // A lookup variant alone ("mutex") varies the default strategy's lookup.
        if features.isEmpty { features = ["refresh-ahead", "refetch-unknown-kid", "stale-if-error"] }
        if features.contains("none") && features.count > 1 {
            throw KeyCacheConfigurationError(
                "\"none\" fetches for every validation and cannot be combined with \(features.subtracting(["none"]).sorted().joined(separator: ", "))"
            )
        }
        if features.contains("ttl") && features.contains("refresh-ahead") {
            throw KeyCacheConfigurationError("\"ttl\" and \"refresh-ahead\" are alternative refresh modes; pick one")
        }
        name = settings.strategy
        if features.contains("none") {
            refresh = .perValidation
        } else {
            refresh = features.contains("refresh-ahead") ? .ahead : .onExpiry
        }
        refreshInterval = .seconds(900)
        honoursCacheControl = true
        refreshAhead = nil
        unknownKid = features.contains("refetch-unknown-kid") ? UnknownKidRefetch() : nil
        maxStale = features.contains("stale-if-error") ? .seconds(3600) : nil
        // Plain ttl keeps no memory of failures (the naive cache, whose stampede on a failing
        // identity provider is what the comparison shows); everything that refreshes in the
        // background or serves stale data needs a pause between attempts.
        retryInterval = (refresh == .ahead || maxStale != nil) ? .seconds(5) : .zero
        self.lookup = lookup
        tokenCache = features.contains("token-cache") ? TokenCache() : nil
        fetch = JWKSFetchLimits()
        oidcDiscovery = false
        minTTL = .seconds(60)
        maxTTL = refreshInterval
        try apply(options: settings.options)
    }

    private mutating func apply(options: [String: String]) throws(KeyCacheConfigurationError) {
        var minTTLGiven = false
        var maxTTLGiven = false
        // refresh_interval first: the TTL bounds default to it.
        if let value = options["refresh_interval"] {
            refreshInterval = try Self.positiveDuration(value, "refresh_interval")
        }
        for (key, value) in options.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "refresh_interval": break
            case "min_ttl":
                minTTL = try Self.positiveDuration(value, key)
                minTTLGiven = true
            case "max_ttl":
                maxTTL = try Self.positiveDuration(value, key)
                maxTTLGiven = true
            case "honour_cache_control", "honor_cache_control": honoursCacheControl = try Self.boolean(value, key)
            case "refresh_ahead": refreshAhead = try Self.duration(value, key)
            case "cooldown":
                var refetch = unknownKid ?? UnknownKidRefetch()
                refetch.cooldown = try Self.positiveDuration(value, key)
                unknownKid = refetch
            case "negative_cache_size":
                var refetch = unknownKid ?? UnknownKidRefetch()
                refetch.negativeCacheCapacity = try Self.count(value, key, 1...1_000_000)
                unknownKid = refetch
            case "max_stale": maxStale = try Self.duration(value, key)
            case "retry_interval": retryInterval = try Self.duration(value, key)
            case "lookup":
                guard let variant = LookupVariant(rawValue: value) else {
                    throw KeyCacheConfigurationError(
                        "lookup \"\(value)\" is not one of \(LookupVariant.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                lookup = variant
            case "token_cache_size":
                var cache = tokenCache ?? TokenCache()
                cache.capacity = try Self.count(value, key, 1...1_000_000)
                tokenCache = cache
            case "token_cache_max_bytes":
                var cache = tokenCache ?? TokenCache()
                cache.maxTokenBytes = try Self.count(value, key, 1...1_048_576)
                tokenCache = cache
            case "connect_timeout": fetch.connectTimeout = try Self.positiveDuration(value, key)
            case "read_timeout": fetch.readTimeout = try Self.positiveDuration(value, key)
            case "fetch_timeout": fetch.totalTimeout = try Self.positiveDuration(value, key)
            case "max_jwks_bytes": fetch.maxBytes = try Self.count(value, key, 64...(64 * 1024 * 1024))
            case "max_jwks_keys": fetch.maxKeys = try Self.count(value, key, 1...10_000)
            case "oidc_discovery": oidcDiscovery = try Self.boolean(value, key)
            default:
                throw KeyCacheConfigurationError(
                    "unknown key_cache option \"\(key)\"; known: refresh_interval, min_ttl, max_ttl, honour_cache_control, refresh_ahead, cooldown, negative_cache_size, max_stale, retry_interval, lookup, token_cache_size, token_cache_max_bytes, connect_timeout, read_timeout, fetch_timeout, max_jwks_bytes, max_jwks_keys, oidc_discovery"
                )
            }
        }
        if !maxTTLGiven { maxTTL = refreshInterval }
        if !minTTLGiven { minTTL = min(.seconds(60), maxTTL) }
        // A background refresher with no pause after a failure would hammer a failing
        // identity provider in a tight loop.
        if refresh == .ahead && retryInterval <= .zero {
            throw KeyCacheConfigurationError("retry_interval must be above zero with refresh-ahead")
        }
        guard minTTL <= maxTTL else {
            throw KeyCacheConfigurationError("min_ttl (\(minTTL.secondsText)) is above max_ttl (\(maxTTL.secondsText))")
        }
    }

    /// The TTL of a set fetched with `maxAge` (from `Cache-Control`), within the bounds.
    public func timeToLive(maxAge: Duration?) -> Duration {
        guard honoursCacheControl, let maxAge else { return refreshInterval }
        return min(max(maxAge, minTTL), maxTTL)
    }

    /// How long before expiry a background refresh starts for a set with this TTL: the
    /// configured lead, at most half the TTL (so a short TTL is not refreshed continuously).
    public func refreshLead(ttl: Duration) -> Duration {
        min(refreshAhead ?? ttl / 10, ttl / 2)
    }

    /// A one-line summary of every knob, for reports.
    public var description: String {
        var parts = [
            "\(name): refresh \(refresh.rawValue) every \(refreshInterval.secondsText) (max-age bounds \(minTTL.secondsText)...\(maxTTL.secondsText))"
        ]
        if let u = unknownKid {
            parts.append("unknown-kid refetch, cooldown \(u.cooldown.secondsText), negative cache \(u.negativeCacheCapacity)")
        }
        if let s = maxStale { parts.append("stale-if-error up to \(s.secondsText)") }
        parts.append("retry after \(retryInterval.secondsText)")
        parts.append("lookup \(lookup.rawValue)")
        if let t = tokenCache { parts.append("token cache \(t.capacity) x \(t.maxTokenBytes) B") }
        return parts.joined(separator: ", ")
    }

    // MARK: option values

    /// `30`, `1.5`, `250ms`, `30s`, `15m`, `1h`: seconds unless a unit is given (the
    /// project's one duration syntax, `DurationParser`).
    public static func parseDuration(_ text: String) -> Duration? { DurationParser.duration(text) }

    private static func duration(_ text: String, _ key: String) throws(KeyCacheConfigurationError) -> Duration {
        guard let d = parseDuration(text) else {
            throw KeyCacheConfigurationError("\(key) \"\(text)\" is not a duration (seconds, or a number with ms, s, m or h)")
        }
        return d
    }

    private static func positiveDuration(_ text: String, _ key: String) throws(KeyCacheConfigurationError) -> Duration {
        let d = try duration(text, key)
        guard d > .zero else { throw KeyCacheConfigurationError("\(key) must be above zero") }
        return d
    }

    private static func boolean(_ text: String, _ key: String) throws(KeyCacheConfigurationError) -> Bool {
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw KeyCacheConfigurationError("\(key) \"\(text)\" is not true or false")
        }
    }

    private static func count(_ text: String, _ key: String, _ range: ClosedRange<Int>) throws(KeyCacheConfigurationError) -> Int {
        guard let n = Int(text), range.contains(n) else {
            throw KeyCacheConfigurationError("\(key) \"\(text)\" is not a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return n
    }
}

/// A key-cache setting that cannot be used; the message names the setting.
public struct KeyCacheConfigurationError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, naming the setting.
    public let message: String
    /// An error with `message`.
    public init(_ message: String) { self.message = message }
    /// `jwtbench.key_cache: message`.
    public var description: String { "jwtbench.key_cache: \(message)" }
}

/// Timeouts and a size cap for every JWKS or discovery fetch.
public struct JWKSFetchLimits: Sendable, Hashable {
    /// TCP (and TLS) connection establishment.
    public var connectTimeout: Duration
    /// Longest silence while waiting for response bytes (a hung identity provider).
    public var readTimeout: Duration
    /// The whole request, redirects and body included.
    public var totalTimeout: Duration
    /// Larger responses are refused (a JWKS is a few KiB; 100 RSA-4096 keys are about 80 KiB).
    public var maxBytes: Int
    /// A set with more keys is refused whole (identity providers publish a handful): every
    /// key costs an import, and an ES256 key in use a 150 KB table, so a hostile or broken
    /// server must not be able to make the gateway hold 100,000 of them.
    public var maxKeys: Int

    /// 2 s to connect, 5 s of silence, 10 s in all, 256 KiB, 256 keys.
    public init(
        connectTimeout: Duration = .seconds(2), readTimeout: Duration = .seconds(5),
        totalTimeout: Duration = .seconds(10), maxBytes: Int = 256 * 1024, maxKeys: Int = 256
    ) {
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.totalTimeout = totalTimeout
        self.maxBytes = maxBytes
        self.maxKeys = maxKeys
    }
}
