import JWTValidation
import KeySources
import Policy
import Testing

@Suite struct KeyCacheStrategyTests {
    @Test func namedStrategiesConfigureTheMachine() throws {
        let none = try KeyCacheStrategy.named("none")
        #expect(none.refresh == .perValidation && none.unknownKid == nil && none.maxStale == nil)
        let ttl = try KeyCacheStrategy.named("ttl")
        #expect(ttl.refresh == .onExpiry && ttl.unknownKid == nil && ttl.maxStale == nil && ttl.retryInterval == .zero)
        let ahead = try KeyCacheStrategy.named("refresh-ahead")
        #expect(ahead.refresh == .ahead && ahead.retryInterval > .zero)
        let refetch = try KeyCacheStrategy.named("refetch-unknown-kid")
        #expect(refetch.refresh == .onExpiry && refetch.unknownKid?.cooldown == .seconds(30))
        let stale = try KeyCacheStrategy.named("stale-if-error")
        #expect(stale.refresh == .onExpiry && stale.maxStale != nil && stale.unknownKid == nil)
        let standard = try KeyCacheStrategy.named("default")
        #expect(standard.refresh == .ahead && standard.unknownKid != nil && standard.maxStale != nil)
        #expect(standard.lookup == .snapshot && standard.tokenCache == nil)
        // ngrok's 15-minute refresh is the default period.
        #expect(standard.refreshInterval == .seconds(900) && standard.maxTTL == .seconds(900))
        #expect(KeyCacheStrategy.default == standard)
        let tokens = try KeyCacheStrategy.named("token-cache")
        #expect(tokens.refresh == .ahead && tokens.tokenCache == KeyCacheStrategy.TokenCache(capacity: 100, maxTokenBytes: 4096))
    }

    @Test func namesCombineWithPlus() throws {
        let s = try KeyCacheStrategy.named("ttl+stale-if-error+mutex")
        #expect(s.refresh == .onExpiry && s.maxStale != nil && s.lookup == .mutex && s.unknownKid == nil)
        let perThread = try KeyCacheStrategy.named("per-thread")
        #expect(perThread.refresh == .ahead && perThread.lookup == .perThread && perThread.unknownKid != nil)
        #expect(try KeyCacheStrategy.named("default+token-cache").tokenCache != nil)
    }

    @Test(arguments: ["nope", "none+ttl", "ttl+refresh-ahead", "default+none", ""])
    func badNamesAreRefused(_ name: String) {
        #expect(throws: KeyCacheConfigurationError.self) { try KeyCacheStrategy.named(name) }
    }

    @Test func optionsSetEveryKnob() throws {
        let s = try KeyCacheStrategy(
            settings: KeyCacheSettings(
                strategy: "default",
                options: [
                    "refresh_interval": "10m", "min_ttl": "5s", "cooldown": "2s", "negative_cache_size": "16",
                    "max_stale": "30m", "retry_interval": "250ms", "lookup": "per-thread", "token_cache_size": "7",
                    "connect_timeout": "1", "read_timeout": "1.5", "fetch_timeout": "3s", "max_jwks_bytes": "65536",
                    "oidc_discovery": "true", "honour_cache_control": "false", "refresh_ahead": "20s",
                ]))
        #expect(s.refreshInterval == .seconds(600) && s.maxTTL == .seconds(600) && s.minTTL == .seconds(5))
        #expect(s.unknownKid == KeyCacheStrategy.UnknownKidRefetch(cooldown: .seconds(2), negativeCacheCapacity: 16))
        #expect(s.maxStale == .seconds(1800) && s.retryInterval == .milliseconds(250) && s.lookup == .perThread)
        #expect(s.tokenCache?.capacity == 7 && s.tokenCache?.maxTokenBytes == 4096)
        #expect(
            s.fetch
                == JWKSFetchLimits(
                    connectTimeout: .seconds(1), readTimeout: .milliseconds(1500),
                    totalTimeout: .seconds(3), maxBytes: 65536))
        #expect(s.oidcDiscovery && !s.honoursCacheControl && s.refreshAhead == .seconds(20))
    }

    @Test(arguments: [
        ["bogus": "1"], ["cooldown": "-1"], ["cooldown": "0"], ["lookup": "spinlock"], ["min_ttl": "20m"],
        ["negative_cache_size": "0"], ["oidc_discovery": "maybe"], ["retry_interval": "0"],
    ])
    func badOptionsAreRefused(_ options: [String: String]) {
        #expect(throws: KeyCacheConfigurationError.self) {
            try KeyCacheStrategy(settings: KeyCacheSettings(strategy: "default", options: options))
        }
    }

    @Test func maxAgeIsHonouredWithinBounds() throws {
        let s = try KeyCacheStrategy(settings: KeyCacheSettings(strategy: "ttl", options: ["refresh_interval": "600", "min_ttl": "60"]))
        #expect(s.timeToLive(maxAge: nil) == .seconds(600))
        #expect(s.timeToLive(maxAge: .seconds(120)) == .seconds(120))
        #expect(s.timeToLive(maxAge: .zero) == .seconds(60))
        #expect(s.timeToLive(maxAge: .seconds(86_400 * 365)) == .seconds(600))
        var ignoring = s
        ignoring.honoursCacheControl = false
        #expect(ignoring.timeToLive(maxAge: .seconds(120)) == .seconds(600))
    }

    @Test func durationsParse() {
        #expect(KeyCacheStrategy.parseDuration("30") == .seconds(30))
        #expect(KeyCacheStrategy.parseDuration("250ms") == .milliseconds(250))
        #expect(KeyCacheStrategy.parseDuration("15m") == .seconds(900))
        #expect(KeyCacheStrategy.parseDuration("1.5h") == .seconds(5400))
        #expect(KeyCacheStrategy.parseDuration("soon") == nil)
        #expect(KeyCacheStrategy.parseDuration("-3s") == nil)
    }

    @Test func cacheControlAndContentTypeRules() {
        #expect(KeySetHTTP.maxAge(cacheControl: ["public, max-age=300"]) == .seconds(300))
        #expect(KeySetHTTP.maxAge(cacheControl: ["max-age=\"60\", must-revalidate"]) == .seconds(60))
        #expect(KeySetHTTP.maxAge(cacheControl: ["max-age=600", "max-age=30"]) == .seconds(30))
        #expect(KeySetHTTP.maxAge(cacheControl: ["no-store"]) == .zero)
        #expect(KeySetHTTP.maxAge(cacheControl: ["max-age=-5", "max-age=1e3"]) == nil)
        #expect(KeySetHTTP.maxAge(cacheControl: []) == nil)
        #expect(KeySetHTTP.isJSON(contentType: "application/json; charset=utf-8"))
        #expect(KeySetHTTP.isJSON(contentType: "Application/JWK-Set+JSON"))
        #expect(!KeySetHTTP.isJSON(contentType: "text/html"))
        #expect(!KeySetHTTP.isJSON(contentType: nil))
        #expect(KeySetURL.problem("https://idp.example/jwks") == nil)
        #expect(KeySetURL.problem("http://127.0.0.1:8080/jwks.json") == nil)
        #expect(KeySetURL.problem("http://idp.example/jwks") != nil)
        #expect(KeySetURL.problem("file:///etc/passwd") != nil)
    }
}
