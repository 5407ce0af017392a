import Foundation
import JOSECrypto
import JWTValidation
import Logging
import Synchronization
import Testing

@testable import KeySources

/// The provider driving real strategies with a fake fetcher and a hand-moved clock: no
/// network, no sleeping on real time.
@Suite struct RemoteKeyProviderTests {
    static let a = Fixture.ecKey("a")
    static let b = Fixture.ecKey("b")

    /// Bodies that must never replace a good set: broken documents, and sets whose every key
    /// is unusable.
    static let badBodies: [(String, String)] = {
        let offCurve = Fixture.offCurveKey("off")
        let (bigModulus, smallModulus) = (Fixture.modulus(bytes: 256), Fixture.modulus(bytes: 64))
        let twin1 = Fixture.ecKey("twin").publicKey
        let twin2 = Fixture.ecKey("twin").publicKey
        let secret = Base64URL.encode([UInt8](repeating: 7, count: 32))
        return [
            ("not JSON", "{{ this is not json"),
            ("not an object", "[1,2,3]"),
            ("no keys member", "{\"kid\":\"a\"}"),
            ("keys not an array", "{\"keys\":{\"kty\":\"EC\"}}"),
            ("empty keys", "{\"keys\":[]}"),
            ("duplicate kids", JWKSet(keys: [twin1, twin2]).jsonString()),
            ("EC point off the curve", JWKSet(keys: [offCurve]).jsonString()),
            ("RSA e = 1", "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"r\",\"n\":\"\(bigModulus)\",\"e\":\"AQ\"}]}"),
            ("RSA 512-bit modulus", "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"r\",\"n\":\"\(smallModulus)\",\"e\":\"AQAB\"}]}"),
            ("oct key", "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"h\",\"k\":\"\(secret)\"}]}"),
            ("private EC key", JWKSet(keys: [Fixture.ecKey("priv")]).jsonString()),
            ("kid of the wrong type", "{\"keys\":[{\"kty\":\"EC\",\"kid\":5,\"crv\":\"P-256\"}]}"),
        ]
    }()

    static func provider(_ strategy: KeyCacheStrategy, _ fetcher: FakeFetcher, _ clock: ManualKeyCacheClock) -> RemoteKeyProvider {
        RemoteKeyProvider(
            location: .jwks("https://idp.test/jwks"), strategy: strategy, algorithms: [.es256],
            fetcher: fetcher, clock: clock)
    }

    @Test(arguments: 0..<badBodies.count)
    func badKeySetsNeverReplaceAGoodOne(_ index: Int) {
        let (name, body) = Self.badBodies[index]
        let fetcher = FakeFetcher()
        let clock = ManualKeyCacheClock()
        let provider = Self.provider(Fixture.strategy("default", ["refresh_interval": "60"]), fetcher, clock)
        defer { provider.shutdown() }
        fetcher.serve(keys: [Self.a])
        provider.start(background: false)
        provider.step()
        let validator = Fixture.validator(provider)
        let token = Fixture.token(Self.a)
        #expect(validator.validate(token: token, now: Fixture.now).isAllowed, "\(name): the good set must load")
        let good = provider.published.snapshot
        fetcher.serve(body)
        clock.advance(by: .seconds(55))  // the refresh falls due
        provider.step()
        #expect(fetcher.fetchCount == 2, "\(name)")
        #expect(provider.published.snapshot === good, "\(name) replaced the good set")
        #expect(provider.counters.fetchFailures == 1 && provider.counters.rejectedKeySets == 1, "\(name)")
        // Past the TTL the good set is still served (stale-if-error).
        clock.advance(by: .seconds(10))
        provider.step()
        #expect(validator.validate(token: token, now: Fixture.now).isAllowed, "\(name): the good key must still verify")
    }

    @Test func aBadKeyInsideASetIsSkippedWhileTheGoodOnesAreKept() {
        let fetcher = FakeFetcher()
        let provider = Self.provider(Fixture.strategy("ttl"), fetcher, ManualKeyCacheClock())
        defer { provider.shutdown() }
        let secret = Base64URL.encode([UInt8](repeating: 9, count: 32))
        var offCurve = Self.b.publicKey
        offCurve.x = Self.a.publicKey.x
        let body =
            "{\"keys\":[\(Self.a.publicKey.jsonString()),{\"kty\":\"oct\",\"kid\":\"h\",\"k\":\"\(secret)\"},\(offCurve.jsonString()),\"junk\"]}"
        fetcher.serve(body)
        #expect(provider.prime() == nil)
        #expect(provider.published.snapshot?.keys.map(\.kid) == ["a"])
        #expect(provider.counters.skippedKeys == 3)
        #expect(Fixture.validator(provider).validate(token: Fixture.token(Self.a), now: Fixture.now).isAllowed)
        // The off-curve key is not there to verify anything.
        #expect(Fixture.validator(provider).validate(token: Fixture.token(Self.b), now: Fixture.now).reason == .keyNotFound)
    }

    @Test func rotationIsFollowedByUnknownKidRefetchAndScheduledRefresh() {
        let fetcher = FakeFetcher()
        let clock = ManualKeyCacheClock()
        let provider = Self.provider(Fixture.strategy("default", ["refresh_interval": "60"]), fetcher, clock)
        defer { provider.shutdown() }
        let validator = Fixture.validator(provider)
        fetcher.serve(keys: [Self.a])
        provider.start(background: false)
        provider.step()
        // The issuer rotates: publishes b and signs with it.
        fetcher.serve(keys: [Self.b, Self.a])
        let newToken = Fixture.token(Self.b)
        #expect(validator.validate(token: newToken, now: Fixture.now).reason == .keyNotFound)
        provider.step()  // the refresher picks up the unknown kid
        #expect(provider.counters.fetchesByReason["unknown-kid"] == 1)
        #expect(validator.validate(token: newToken, now: Fixture.now).isAllowed)
        // a is retired: refused after the next scheduled refresh, not before.
        fetcher.serve(keys: [Self.b])
        let oldToken = Fixture.token(Self.a)
        #expect(validator.validate(token: oldToken, now: Fixture.now).isAllowed)
        clock.advance(by: .seconds(60))
        provider.step()
        #expect(validator.validate(token: oldToken, now: Fixture.now).reason == .keyNotFound)
        #expect(validator.validate(token: newToken, now: Fixture.now).isAllowed)
    }

    @Test func aKidFloodCausesAtMostOneFetchPerCooldown() {
        let fetcher = FakeFetcher()
        let clock = ManualKeyCacheClock()
        let provider = Self.provider(Fixture.strategy("default", ["cooldown": "30"]), fetcher, clock)
        defer { provider.shutdown() }
        fetcher.serve(keys: [Self.a])
        provider.start(background: false)
        provider.step()
        var rng = SystemRandomNumberGenerator()
        var notFound = 0
        // 90 simulated seconds, 10 random kids every 30 ms.
        for _ in 0..<3_000 {
            for _ in 0..<10 {
                var kid = [UInt8](repeating: 0, count: 16)
                for i in kid.indices { kid[i] = UInt8.random(in: 0x61...0x7A, using: &rng) }
                let result = kid.withUnsafeBytes { provider.lookup(kid: $0, algorithm: .es256) }
                if case .notFound = result { notFound += 1 }
            }
            clock.advance(by: .milliseconds(30))
            provider.step()
        }
        #expect(notFound == 30_000)
        let refetches = provider.counters.fetchesByReason["unknown-kid"] ?? 0
        #expect(refetches >= 1 && refetches <= 90 / 30 + 1)
        #expect(fetcher.fetchCount == 1 + refetches)
    }

    /// The refresher runs between a lookup closing the gate and the lookup handing its kid
    /// over. It used to reopen the gate there (no fetch running, no kid pending yet), so a
    /// second lookup signalled within the same cooldown.
    @Test func theRefresherRunningWhileALookupSignalsKeepsTheGateClosed() {
        let fetcher = FakeFetcher()
        fetcher.serve(keys: [Self.a])
        let clock = ManualKeyCacheClock()
        let refresher = Mutex<RemoteKeyProvider?>(nil)
        let provider = RemoteKeyProvider(
            location: .jwks("https://idp.test/jwks"), strategy: Fixture.strategy("default", ["cooldown": "30"]),
            algorithms: [.es256], fetcher: fetcher, backend: OpenSSLBackend(), clock: clock,
            logger: Logger(label: "test"), gateWon: { refresher.withLock { $0 }?.step() })
        defer { provider.shutdown() }
        provider.start(background: false)
        provider.step()
        refresher.withLock { $0 = provider }
        defer { refresher.withLock { $0 = nil } }
        for kid in ["x1", "x2", "x3"] {
            _ = Array(kid.utf8).withUnsafeBytes { provider.lookup(kid: $0, algorithm: .es256) }
        }
        #expect(provider.counters.unknownKidSignals == 1)
        provider.step()
        #expect(provider.counters.fetchesByReason["unknown-kid"] == 1)
        for kid in ["y1", "y2"] {
            _ = Array(kid.utf8).withUnsafeBytes { provider.lookup(kid: $0, algorithm: .es256) }
        }
        provider.step()
        #expect(provider.counters.unknownKidSignals == 1)
        #expect(fetcher.fetchCount == 2)
    }

    @Test func ttlIsSingleFlightAcrossThreads() {
        let fetcher = FakeFetcher()
        fetcher.serve(keys: [Self.a])
        fetcher.delay(.milliseconds(150))
        let provider = RemoteKeyProvider(
            location: .jwks("https://idp.test/jwks"), strategy: Fixture.strategy("ttl"),
            algorithms: [.es256], fetcher: fetcher)
        defer { provider.shutdown() }
        let validator = Fixture.validator(provider)
        let token = Fixture.token(Self.a)
        let allowed = Counter()
        let done = DispatchGroup()
        for _ in 0..<8 {
            done.enter()
            Thread {
                provider.prepareForValidation()
                if validator.validate(token: token, now: Fixture.now).isAllowed { allowed.add() }
                done.leave()
            }.start()
        }
        done.wait()
        #expect(fetcher.fetchCount == 1)
        #expect(allowed.value == 8)
        #expect(provider.counters.waits >= 1)
    }

    @Test func noneFetchesForEveryValidationAndFailsWithTheFetch() {
        let fetcher = FakeFetcher()
        let provider = Self.provider(Fixture.strategy("none"), fetcher, ManualKeyCacheClock())
        defer { provider.shutdown() }
        let validator = Fixture.validator(provider)
        let token = Fixture.token(Self.a)
        fetcher.serve(keys: [Self.a])
        for _ in 0..<5 {
            provider.prepareForValidation()
            #expect(validator.validate(token: token, now: Fixture.now).isAllowed)
        }
        #expect(fetcher.fetchCount == 5)
        fetcher.fail()
        provider.prepareForValidation()
        #expect(validator.validate(token: token, now: Fixture.now).reason == .keysUnavailable)
    }

    @Test func throughAnOutageOnlyStaleIfErrorKeepsAccepting() {
        let token = Fixture.token(Self.a)
        var outcomes: [String: ReasonCode?] = [:]
        for name in ["default", "stale-if-error", "refresh-ahead", "ttl", "none"] {
            let fetcher = FakeFetcher()
            let clock = ManualKeyCacheClock()
            let provider = Self.provider(Fixture.strategy(name, ["refresh_interval": "60"]), fetcher, clock)
            defer { provider.shutdown() }
            fetcher.serve(keys: [Self.a])
            provider.start(background: false)
            #expect(provider.prime() == nil)
            fetcher.fail()
            // 30 s past the TTL, the identity provider still down.
            for _ in 0..<18 {
                clock.advance(by: .seconds(5))
                provider.step()
                provider.prepareForValidation()
            }
            outcomes[name] = Fixture.validator(provider).validate(token: token, now: Fixture.now).reason
        }
        #expect(outcomes["default"] == .some(nil))
        #expect(outcomes["stale-if-error"] == .some(nil))
        #expect(outcomes["refresh-ahead"] == .some(.keysUnavailable))
        #expect(outcomes["ttl"] == .some(.keysUnavailable))
        #expect(outcomes["none"] == .some(.keysUnavailable))
    }

    @Test(arguments: KeyCacheStrategy.LookupVariant.allCases)
    func lookupVariantsAnswerAlike(_ variant: KeyCacheStrategy.LookupVariant) {
        let fetcher = FakeFetcher()
        var strategy = Fixture.strategy("default")
        strategy.lookup = variant
        let provider = Self.provider(strategy, fetcher, ManualKeyCacheClock())
        defer { provider.shutdown() }
        let validator = Fixture.validator(provider)
        let token = Fixture.token(Self.a)
        #expect(validator.validate(token: token, now: Fixture.now).reason == .keysUnavailable)
        fetcher.serve(keys: [Self.a])
        #expect(provider.prime() == nil)
        #expect(validator.validate(token: token, now: Fixture.now).isAllowed)
        // A publication (here after an unknown-kid refetch) reaches every variant, per-thread
        // replicas included.
        fetcher.serve(keys: [Self.a, Self.b])
        #expect(validator.validate(token: Fixture.token(Self.b), now: Fixture.now).reason == .keyNotFound)
        provider.step()
        #expect(validator.validate(token: Fixture.token(Self.b), now: Fixture.now).isAllowed)
    }

    @Test(arguments: KeyCacheStrategy.LookupVariant.allCases)
    func readersSurviveConcurrentPublications(_ variant: KeyCacheStrategy.LookupVariant) {
        let fetcher = FakeFetcher()
        let clock = ManualKeyCacheClock()
        var strategy = Fixture.strategy("refresh-ahead", ["refresh_interval": "10"])
        strategy.lookup = variant
        let provider = Self.provider(strategy, fetcher, clock)
        defer { provider.shutdown() }
        fetcher.serve(keys: [Self.a])
        provider.start(background: false)
        provider.step()
        let stop = Counter()
        let misses = Counter()
        let lookups = Counter()
        let done = DispatchGroup()
        let kid = Array("a".utf8)
        for _ in 0..<3 {
            done.enter()
            Thread {
                var n = 0
                while stop.value == 0 {
                    let found = kid.withUnsafeBytes { bytes -> Bool in
                        if case .found = provider.lookup(kid: bytes, algorithm: .es256) { return true }
                        return false
                    }
                    if !found { misses.add() }
                    n += 1
                }
                lookups.add(n)
                done.leave()
            }.start()
        }
        // 100 publications of alternating sets, each freeing the one before. Time moves past
        // each refresh's due point (9 s into a 10 s TTL), not past expiry.
        for i in 0..<100 {
            fetcher.serve(keys: i % 2 == 0 ? [Self.a, Self.b] : [Self.a])
            clock.advance(by: .milliseconds(9_500))
            provider.step()
        }
        stop.add()
        done.wait()
        #expect(provider.counters.publications >= 100)
        #expect(misses.value == 0)
        #expect(lookups.value > 0)
    }

    @Test func documentsAreReadKeyByKey() throws {
        let parsed = try JWKSDocument.parse(Data("{\"keys\":[\(Self.a.publicKey.jsonString()),{\"kty\":1},7]}".utf8), remote: true)
        #expect(parsed.keys.map(\.kid) == ["a"])
        #expect(parsed.skipped.count == 2)
        // A local file may hold an HMAC secret; a remote set may not.
        let secret = "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"h\",\"k\":\"\(Base64URL.encode([UInt8](repeating: 1, count: 32)))\"}]}"
        #expect(try JWKSDocument.parse(Data(secret.utf8), remote: false).keys.count == 1)
        #expect(try JWKSDocument.parse(Data(secret.utf8), remote: true).keys.isEmpty)
        for (body, kind) in [
            ("nope", KeySourceError.Kind.notJSON), ("{}", .notAKeySet), ("{\"keys\":[]}", .notAKeySet), ("[]", .notAKeySet),
        ] {
            do {
                _ = try JWKSDocument.parse(Data(body.utf8), remote: true)
                Issue.record("\(body) parsed")
            } catch {
                #expect(error.kind == kind, "\(body): \(error)")
            }
        }
    }
}
