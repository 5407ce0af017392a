import Foundation
import Issuer
import JOSECrypto
import JWTValidation
import KeySources
import Policy
import Testing

/// Remote key sources against the embedded issuer on an ephemeral loopback port: real HTTP,
/// brief runs, time injected where the scenario allows.
@Suite struct EmbeddedIssuerIntegrationTests {
    static func issuer(_ configuration: IssuerConfiguration = IssuerConfiguration()) async throws -> EmbeddedIssuer {
        let issuer = try EmbeddedIssuer(configuration: configuration)
        try await issuer.start()
        return issuer
    }

    static func provider(
        _ issuer: EmbeddedIssuer, _ strategy: KeyCacheStrategy,
        clock: any KeyCacheClock = SystemKeyCacheClock(), discovery: Bool = false
    ) -> RemoteKeyProvider {
        RemoteKeyProvider(
            location: discovery ? .discovery(issuer: issuer.issuer) : .jwks(issuer.jwksURL),
            strategy: strategy, algorithms: [.es256], clock: clock)
    }

    static func validator(_ issuer: EmbeddedIssuer, _ keys: any KeyProvider) -> Validator {
        Fixture.validator(keys, issuer: issuer.issuer)
    }

    /// Polls `condition` every 20 ms for up to `seconds` (a generous bound, not a measurement).
    static func eventually(within seconds: Double = 10, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    @Test func fetchesTheJWKSAndFindsItThroughDiscovery() async throws {
        let issuer = try await Self.issuer()
        let token = try issuer.token(now: Fixture.now)
        for discovery in [false, true] {
            let provider = Self.provider(issuer, Fixture.strategy("default"), discovery: discovery)
            #expect(provider.prime() == nil)
            #expect(Self.validator(issuer, provider).validate(token: token, now: Fixture.now).isAllowed)
            provider.shutdown()
        }
        #expect(issuer.jwksRequestCount == 2)
        #expect(issuer.discoveryRequestCount == 1)
        await issuer.stop()
    }

    @Test func rotationNewKeyAcceptedAfterRefetchRetiredKeyRefused() async throws {
        let issuer = try await Self.issuer(IssuerConfiguration(cacheMaxAge: 1))
        // A one-second TTL so the retirement is noticed quickly; real time, background refresher.
        let provider = Self.provider(issuer, Fixture.strategy("default", ["refresh_interval": "1", "min_ttl": "1"]))
        defer { provider.shutdown() }
        provider.start()
        #expect(provider.prime() == nil)
        let validator = Self.validator(issuer, provider)
        let oldToken = try issuer.token(now: Fixture.now)
        #expect(validator.validate(token: oldToken, now: Fixture.now).isAllowed)
        let rotation = try issuer.rotate(overlap: .seconds(3600))
        let newToken = try issuer.token(now: Fixture.now)
        #expect(newToken != oldToken)
        // Unknown kid: refetched in the background, at most a cooldown after the first miss.
        #expect(await Self.eventually { validator.validate(token: newToken, now: Fixture.now).isAllowed })
        #expect(validator.validate(token: oldToken, now: Fixture.now).isAllowed)  // still in the overlap
        #expect(issuer.retire(kid: rotation.previousKid))
        #expect(await Self.eventually { validator.validate(token: oldToken, now: Fixture.now).reason == .keyNotFound })
        #expect(validator.validate(token: newToken, now: Fixture.now).isAllowed)
        await issuer.stop()
    }

    @Test func throughAnOutageStaleIfErrorServesWhileTTLAndNoneFail() async throws {
        let issuer = try await Self.issuer()
        let token = try issuer.token(now: Fixture.now)
        var reasons: [String: ReasonCode?] = [:]
        for name in ["default", "ttl", "none"] {
            issuer.setFault(nil)
            let clock = ManualKeyCacheClock()
            let provider = Self.provider(issuer, Fixture.strategy(name, ["refresh_interval": "60"]), clock: clock)
            provider.start(background: false)
            #expect(provider.prime() == nil, "\(name)")
            issuer.setFault(.unavailable)
            // 30 s of outage past the TTL, in 5 s steps.
            for _ in 0..<18 {
                clock.advance(by: .seconds(5))
                provider.step()
                provider.prepareForValidation()
            }
            reasons[name] = Self.validator(issuer, provider).validate(token: token, now: Fixture.now).reason
            provider.shutdown()
        }
        #expect(reasons["default"] == .some(nil))
        #expect(reasons["ttl"] == .some(.keysUnavailable))
        #expect(reasons["none"] == .some(.keysUnavailable))
        #expect(issuer.faultedResponseCount > 0)
        await issuer.stop()
    }

    @Test func aSlowIdentityProviderStallsOnlyTheBlockingStrategies() async throws {
        let issuer = try await Self.issuer(IssuerConfiguration(latency: .milliseconds(300)))
        let token = try issuer.token(now: Fixture.now)
        // default: only the first load is waited for; afterwards validations never wait.
        let standard = Self.provider(issuer, Fixture.strategy("default"))
        standard.start()
        #expect(standard.prime() == nil)
        for _ in 0..<50 {
            #expect(standard.prepareForValidation() == .zero)
            #expect(Self.validator(issuer, standard).validate(token: token, now: Fixture.now).isAllowed)
        }
        #expect(standard.counters.waits == 1)
        standard.shutdown()
        // ttl, cold: four validations at once, one fetch, the others wait for it.
        let ttl = Self.provider(issuer, Fixture.strategy("ttl"))
        let allowed = Counter()
        let done = DispatchGroup()
        for _ in 0..<4 {
            done.enter()
            Thread {
                ttl.prepareForValidation()
                if Self.validator(issuer, ttl).validate(token: token, now: Fixture.now).isAllowed { allowed.add() }
                done.leave()
            }.start()
        }
        done.wait()
        #expect(allowed.value == 4)
        #expect(ttl.counters.fetches == 1 && ttl.counters.waits >= 1)
        ttl.shutdown()
        // none: every validation pays a fetch.
        let none = Self.provider(issuer, Fixture.strategy("none"))
        for _ in 0..<3 {
            none.prepareForValidation()
            #expect(Self.validator(issuer, none).validate(token: token, now: Fixture.now).isAllowed)
        }
        #expect(none.counters.fetches == 3 && none.counters.waits == 3)
        none.shutdown()
        await issuer.stop()
    }

    /// The cooldown runs on an injected clock: on real time, a test starved of CPU for more
    /// than a cooldown (as under a loaded CI run) would see a second, legitimate refetch.
    @Test func aKidFloodCausesAtMostOneFetchPerCooldown() async throws {
        let issuer = try await Self.issuer()
        let clock = ManualKeyCacheClock()
        let provider = Self.provider(issuer, Fixture.strategy("default", ["cooldown": "30"]), clock: clock)
        defer { provider.shutdown() }
        provider.start()
        #expect(provider.prime() == nil)
        for window in 1...2 {
            // Two threads flood with random kids while the refresher thread works.
            let done = DispatchGroup()
            for _ in 0..<2 {
                done.enter()
                Thread {
                    var rng = SystemRandomNumberGenerator()
                    for _ in 0..<5_000 {
                        let kid = (0..<12).map { _ in UInt8.random(in: 0x61...0x7A, using: &rng) }
                        _ = kid.withUnsafeBytes { provider.lookup(kid: $0, algorithm: .es256) }
                    }
                    done.leave()
                }.start()
            }
            await withCheckedContinuation { continuation in
                done.notify(queue: .global()) { continuation.resume() }
            }
            // The one refetch this window allows, done by the refresher thread.
            let deadline = ContinuousClock.now + .seconds(20)
            while issuer.jwksRequestCount < 1 + window && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            try await Task.sleep(for: .milliseconds(100))
            // 10,000 random kids within one cooldown: one signal and one refetch.
            #expect(issuer.jwksRequestCount == 1 + window, "window \(window)")
            #expect(provider.counters.unknownKidSignals == window, "window \(window)")
            #expect(provider.counters.fetchesByReason["unknown-kid"] == window, "window \(window)")
            clock.advance(by: .seconds(31))
        }
    }

    @Test func badBodiesFromTheIssuerNeverReplaceAGoodSet() async throws {
        let issuer = try await Self.issuer()
        let token = try issuer.token(now: Fixture.now)
        let clock = ManualKeyCacheClock()
        let provider = Self.provider(issuer, Fixture.strategy("default", ["refresh_interval": "60", "retry_interval": "1"]), clock: clock)
        defer { provider.shutdown() }
        provider.start(background: false)
        provider.step()
        let good = provider.published.snapshot
        #expect(good != nil)
        let faults: [IssuerFault] =
            RemoteKeyProviderTests.badBodies.map { .body($0.1, contentType: "application/json") } + [
                .garbage, .unavailable, .status(404), .reset, .oversized(bytes: 2 * 1024 * 1024),
                .body(Fixture.set([Fixture.ecKey("x")]), contentType: "text/html"),
            ]
        for fault in faults {
            issuer.setFault(fault)
            clock.advance(by: .seconds(60))
            let before = issuer.jwksRequestCount
            provider.step()
            #expect(issuer.jwksRequestCount == before + 1, "\(fault)")
            #expect(provider.published.snapshot === good, "\(fault)")
            #expect(Self.validator(issuer, provider).validate(token: token, now: Fixture.now).isAllowed, "\(fault)")
        }
        #expect(provider.counters.fetchFailures == faults.count)
        await issuer.stop()
    }

    @Test func theFetcherEnforcesItsLimits() async throws {
        let issuer = try await Self.issuer()
        let fetcher = HTTPJWKSFetcher(
            limits: JWKSFetchLimits(
                connectTimeout: .seconds(2), readTimeout: .milliseconds(300),
                totalTimeout: .seconds(3), maxBytes: 64 * 1024))
        defer { fetcher.shutdown() }
        let cases: [(IssuerFault, KeySourceError.Kind)] = [
            (.oversized(bytes: 1024 * 1024), .tooLarge), (.hang, .timeout), (.reset, .network), (.garbage, .notJSON),
            (.unavailable, .httpStatus), (.body("{\"keys\":[]}", contentType: "text/plain"), .contentType),
        ]
        for (fault, kind) in cases {
            issuer.setFault(fault)
            let started = Date()
            do {
                _ = try fetcher.fetchKeySet(from: issuer.jwksURL)
                Issue.record("\(fault) was accepted")
            } catch {
                #expect(error.kind == kind, "\(fault): \(error)")
            }
            #expect(Date().timeIntervalSince(started) < 10, "\(fault) took too long")
        }
        issuer.setFault(nil)
        let set = try fetcher.fetchKeySet(from: issuer.jwksURL)
        #expect(set.keys.map(\.kid) == [issuer.signingKid])
        #expect(set.maxAge == .seconds(300))
        await issuer.stop()
    }

    @Test func anUnreachableJKUGivesKeysUnavailableNotAnError() async throws {
        // A port that was just listened on and closed: nothing answers there.
        let closed = try await Self.issuer()
        let url = closed.jwksURL
        await closed.stop()
        let live = try await Self.issuer()
        let policy = Policy(issuers: [live.issuer], allowedAlgorithms: [.es256], additionalJKUs: [url, live.jwksURL])
        let sources = try PolicyKeySources(policy: policy)
        defer { sources.shutdown() }
        let errors = sources.prime(timeout: .seconds(5))
        #expect(errors.count == 1)
        let validator = Validator(policy: policy, keys: sources.provider)
        // The live issuer's key is found; a kid nobody has is unavailable (it may be in the
        // set that could not be had).
        #expect(validator.validate(token: try live.token(now: Fixture.now), now: Fixture.now).isAllowed)
        let stranger = Fixture.token(Fixture.ecKey("nobody"), iss: live.issuer)
        #expect(validator.validate(token: stranger, now: Fixture.now).reason == .keysUnavailable)
        await live.stop()
    }
}
