import Foundation
import Issuer
import JOSECrypto
import JWTValidation
import KeySources
import Logging
import Synchronization
import Testing

/// Key servers that attack the gateway instead of serving it (a 50 MB body, a byte a second,
/// redirect loops, 100,000 keys, a storm of 500s, keys that must never verify anything), and
/// floods of unknown kids and forged tokens: the fetcher stops each one within its limits, the
/// last good set keeps serving, each refused key is logged, and every cache stays within its
/// configured bound.
@Suite struct HostileKeyServerTests {
    static func fetcher(maxBytes: Int = 256 * 1024) -> HTTPJWKSFetcher {
        HTTPJWKSFetcher(
            limits: JWKSFetchLimits(
                connectTimeout: .seconds(2), readTimeout: .milliseconds(500), totalTimeout: .seconds(2), maxBytes: maxBytes))
    }

    /// A JWK Set of `count` copies of one public EC key under distinct kids.
    static func manyKeys(_ count: Int) -> String {
        let key = Fixture.ecKey("many").publicKey
        var text = "{\"keys\":["
        text.reserveCapacity(count * 180)
        for index in 0..<count {
            if index > 0 { text += "," }
            text += "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"k\(index)\",\"x\":\"\(key.x!)\",\"y\":\"\(key.y!)\"}"
        }
        return text + "]}"
    }

    static func refusal(_ fetcher: HTTPJWKSFetcher, _ url: String) -> KeySourceError? {
        do {
            _ = try fetcher.fetchKeySet(from: url)
            return nil
        } catch {
            return error
        }
    }

    @Test func aFiftyMegabyteBodyIsCutOffAtTheCapNotRead() async throws {
        let issuer = try await EmbeddedIssuerIntegrationTests.issuer()
        let fetcher = Self.fetcher()
        defer { fetcher.shutdown() }
        issuer.setFault(.oversized(bytes: 50 * 1024 * 1024))
        #expect(Self.refusal(fetcher, issuer.jwksURL)?.kind == .tooLarge)
        // The client hung up after 256 KiB: what left the server is that plus the loopback
        // socket buffers, far from 50 MB. (Give the server's last write a moment to fail.)
        try await Task.sleep(for: .milliseconds(200))
        #expect(issuer.streamedBytes < 16 * 1024 * 1024, "\(issuer.streamedBytes) bytes left the server")
        await issuer.stop()
    }

    @Test func aDrippingServerIsEndedByTheTotalDeadline() async throws {
        let issuer = try await EmbeddedIssuerIntegrationTests.issuer()
        let fetcher = Self.fetcher()
        defer { fetcher.shutdown() }
        // A byte every 100 ms never trips the 500 ms read timeout; only the 2 s deadline ends it.
        issuer.setFault(.drip(every: .milliseconds(100)))
        let started = Date()
        #expect(Self.refusal(fetcher, issuer.jwksURL)?.kind == .timeout)
        #expect(Date().timeIntervalSince(started) < 10)
        await issuer.stop()
    }

    @Test func aRedirectLoopIsNotFollowedForEver() async throws {
        let issuer = try await EmbeddedIssuerIntegrationTests.issuer()
        let fetcher = Self.fetcher()
        defer { fetcher.shutdown() }
        issuer.setFault(.redirectLoop)
        let error = try #require(Self.refusal(fetcher, issuer.jwksURL))
        #expect(error.kind != .tooLarge && error.kind != .timeout, "\(error)")
        // Cycles are refused at the first repeat; at most 3 redirects are followed anyway.
        #expect(issuer.jwksRequestCount <= 4)
        await issuer.stop()
    }

    @Test func aHundredThousandKeysAreRefusedWholeBeforeAnyImport() async throws {
        let issuer = try await EmbeddedIssuerIntegrationTests.issuer()
        let body = Self.manyKeys(100_000)
        issuer.setFault(.body(body, contentType: "application/json"))
        // Within the default byte cap they never arrive; with room for the bytes, the key cap
        // refuses the set before a single key is parsed.
        let small = Self.fetcher()
        #expect(Self.refusal(small, issuer.jwksURL)?.kind == .tooLarge)
        small.shutdown()
        let roomy = Self.fetcher(maxBytes: 64 * 1024 * 1024)
        let error = try #require(Self.refusal(roomy, issuer.jwksURL))
        #expect(error.kind == .tooManyKeys && error.message.contains("100000 keys"), "\(error)")
        roomy.shutdown()
        #expect(try JWKSDocument.parse(Data(Self.manyKeys(256).utf8), remote: true, maxKeys: 256).keys.count == 256)
        await issuer.stop()
    }

    @Test func aStormOfServerErrorsKeepsTheLastGoodSetAndIsRetriedAtItsInterval() async throws {
        let issuer = try await EmbeddedIssuerIntegrationTests.issuer()
        let token = try issuer.token(now: Fixture.now)
        let clock = ManualKeyCacheClock()
        let provider = EmbeddedIssuerIntegrationTests.provider(
            issuer, Fixture.strategy("default", ["refresh_interval": "60", "retry_interval": "5"]), clock: clock)
        defer { provider.shutdown() }
        provider.start(background: false)
        provider.step()
        let good = try #require(provider.published.snapshot)
        issuer.setFault(.status(500))
        let before = issuer.jwksRequestCount
        // Five minutes of 500s, the provider stepped every simulated second.
        for _ in 0..<300 {
            clock.advance(by: .seconds(1))
            provider.step()
            #expect(EmbeddedIssuerIntegrationTests.validator(issuer, provider).validate(token: token, now: Fixture.now).isAllowed)
        }
        let requests = issuer.jwksRequestCount - before
        #expect(requests >= 1 && requests <= 300 / 5 + 1, "\(requests) requests in 300 s")
        #expect(provider.published.snapshot === good)
        issuer.setFault(nil)
        clock.advance(by: .seconds(5))
        provider.step()
        #expect(provider.counters.fetchFailures == requests)
        await issuer.stop()
    }

    @Test func everyKeyThatMustNotVerifyIsRefusedWithALogLineNamingIt() {
        let good = Fixture.ecKey("good")
        let offCurve = Fixture.offCurveKey("off")
        let (bigModulus, smallModulus) = (Fixture.modulus(bytes: 256), Fixture.modulus(bytes: 64))
        let secret = Base64URL.encode([UInt8](repeating: 7, count: 32))
        let bad = [
            "{\"kty\":\"RSA\",\"kid\":\"e-one\",\"n\":\"\(bigModulus)\",\"e\":\"AQ\"}",
            "{\"kty\":\"RSA\",\"kid\":\"rsa-512\",\"n\":\"\(smallModulus)\",\"e\":\"AQAB\"}",
            offCurve.jsonString(), "{\"kty\":\"oct\",\"kid\":\"secret\",\"k\":\"\(secret)\"}",
            Fixture.ecKey("private").jsonString(),
        ]
        let body = "{\"keys\":[\(good.publicKey.jsonString()),\(bad.joined(separator: ","))]}"
        let lines = LogLines()
        let fetcher = FakeFetcher()
        fetcher.serve(body)
        let provider = RemoteKeyProvider(
            location: .jwks("https://idp.test/jwks"), strategy: Fixture.strategy("ttl"), algorithms: [.es256, .rs256],
            fetcher: fetcher, clock: ManualKeyCacheClock(), logger: Logger(label: "test") { _ in lines })
        defer { provider.shutdown() }
        #expect(provider.prime() == nil)
        #expect(provider.published.snapshot?.keys.map(\.kid) == ["good"])
        let warnings = lines.messages.filter { $0.contains("skipped") }
        #expect(warnings.count == bad.count, "\(warnings)")
        for kid in ["e-one", "rsa-512", "off", "secret", "private"] {
            #expect(warnings.contains { $0.contains(kid) }, "no log line names \(kid)")
        }
        #expect(Fixture.validator(provider).validate(token: Fixture.token(good), now: Fixture.now).isAllowed)
    }

    @Test func aMillionUnknownKidsLeaveTheNegativeCacheWithinItsSize() {
        let fetcher = FakeFetcher()
        let clock = ManualKeyCacheClock()
        let provider = RemoteKeyProviderTests.provider(
            Fixture.strategy("default", ["cooldown": "1", "negative_cache_size": "512"]), fetcher, clock)
        defer { provider.shutdown() }
        fetcher.serve(keys: [RemoteKeyProviderTests.a])
        provider.start(background: false)
        provider.step()
        // 2,000 cooldown windows of 500 distinct kids each: every window's first kid is
        // refetched and remembered absent.
        var kid = [UInt8](repeating: 0x61, count: 12)
        var notFound = 0
        for window in 0..<2_000 {
            for n in 0..<500 {
                let serial = window * 500 + n
                for i in 0..<6 { kid[i] = UInt8(0x61 + (serial >> (4 * i)) & 0xF) }
                let result = kid.withUnsafeBytes { provider.lookup(kid: $0, algorithm: .es256) }
                if case .notFound = result { notFound += 1 }
            }
            clock.advance(by: .seconds(1))
            provider.step()
        }
        #expect(notFound == 1_000_000)
        #expect(provider.counters.fetchesByReason["unknown-kid"] ?? 0 >= 1_000)
        #expect(provider.knownAbsentKidCount == 512)
    }

    @Test func aMillionForgedTokensNeverEnterTheVerifiedTokenCache() {
        let secret = JWK(kty: "oct", kid: "hs", alg: "HS256", k: Base64URL.encode([UInt8](repeating: 0x42, count: 32)))
        let keys = StaticKeyProvider(keys: [secret], algorithms: [.hs256])
        let validator = Validator(rules: ValidationRules(issuers: [Fixture.issuer], allowedAlgorithms: [.hs256]), keys: keys)
        let cache = VerifiedTokenCache(capacity: 100)
        let caching = CachingValidator(validator: validator, cache: cache)
        let header = Base64URL.encode(Array("{\"alg\":\"HS256\",\"kid\":\"hs\"}".utf8))
        let forgedSignature = Base64URL.encode([UInt8](repeating: 0xAB, count: 32))
        var denied = 0
        for serial in 0..<1_000_000 {
            let payload = Base64URL.encode(
                Array("{\"iss\":\"\(Fixture.issuer)\",\"jti\":\"\(serial)\",\"exp\":\(Fixture.now + 60)}".utf8))
            let decision = caching.validate(token: "\(header).\(payload).\(forgedSignature)", now: Fixture.now)
            if decision.reason == .signatureInvalid { denied += 1 }
        }
        #expect(denied == 1_000_000)
        let stats = cache.statistics
        #expect(stats.inserts == 0 && stats.hits == 0 && stats.misses == 1_000_000)
    }
}

/// Collects log messages (a test's view of what an operator would read).
final class LogLines: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var messages: [String] { lock.withLock { lines } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lock.withLock { lines.append("\(event.level): \(event.message)") }
    }
}
