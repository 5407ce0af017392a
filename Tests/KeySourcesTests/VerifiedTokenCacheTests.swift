import JOSECrypto
import JWTValidation
import KeySources
import Synchronization
import Testing

/// Counts lookups: a cache hit must not reach the key provider (or the signature).
final class CountingProvider: KeyProvider {
    let inner: StaticKeyProvider
    let lookups = Counter()
    init(_ keys: [JWK]) { inner = StaticKeyProvider(keys: keys, algorithms: [.es256]) }
    func lookup(kid: UnsafeRawBufferPointer?, algorithm: JWSAlgorithm) -> KeyLookup {
        lookups.add()
        return inner.lookup(kid: kid, algorithm: algorithm)
    }
}

@Suite struct VerifiedTokenCacheTests {
    static let key = Fixture.ecKey("c")

    @Test func aHitSkipsTheSignatureButNotTheTimeChecks() {
        let provider = CountingProvider([Self.key])
        let generation = Counter()
        let cached = CachingValidator(validator: Fixture.validator(provider), cache: VerifiedTokenCache(),
                                      keySetGeneration: { UInt64(generation.value) })
        let token = Fixture.token(Self.key, lifetime: 600)
        #expect(cached.validate(token: token, now: Fixture.now).isAllowed)
        #expect(provider.lookups.value == 1)
        for _ in 0..<5 { #expect(cached.validate(token: token, now: Fixture.now + 10).isAllowed) }
        #expect(provider.lookups.value == 1)
        #expect(cached.cache.statistics.hits == 5)
        // exp and nbf are checked on every hit.
        #expect(cached.validate(token: token, now: Fixture.now + 600).reason == .expired)
        #expect(cached.validate(token: token, now: Fixture.now - 1).reason == .notYetValid)
        #expect(provider.lookups.value == 1)
        #expect(cached.cache.statistics.timeDenials == 2)
        // A new key-set generation invalidates the entry.
        generation.add()
        #expect(cached.validate(token: token, now: Fixture.now).isAllowed)
        #expect(provider.lookups.value == 2)
    }

    @Test func onlyExactBytesHitAndOnlyAllowedSmallTokensAreCached() {
        let provider = CountingProvider([Self.key])
        let cached = CachingValidator(validator: Fixture.validator(provider), cache: VerifiedTokenCache(capacity: 2, maxTokenBytes: 4096))
        let token = Fixture.token(Self.key)
        #expect(cached.validate(token: token, now: Fixture.now).isAllowed)
        // U+212A KELVIN SIGN is canonically equivalent to "K" but other bytes: not a hit.
        if let k = token.firstIndex(of: "K") {
            var forged = token
            forged.replaceSubrange(k...k, with: "\u{212A}")
            #expect(forged == token)  // Swift String equality says equal...
            #expect(cached.validate(token: forged, now: Fixture.now).reason == .tokenMalformed)  // ...the cache does not
        }
        // Denied tokens are not cached; oversized ones not either.
        let wrongKey = Fixture.token(Fixture.ecKey("c"))
        #expect(cached.validate(token: wrongKey, now: Fixture.now).reason == .signatureInvalid)
        #expect(cached.validate(token: wrongKey, now: Fixture.now).reason == .signatureInvalid)
        let small = CachingValidator(validator: Fixture.validator(provider), cache: VerifiedTokenCache(capacity: 2, maxTokenBytes: 10))
        #expect(small.validate(token: token, now: Fixture.now).isAllowed)
        #expect(small.cache.statistics.inserts == 0)
    }

    @Test func theCacheIsBounded() {
        let provider = CountingProvider([Self.key])
        let cached = CachingValidator(validator: Fixture.validator(provider), cache: VerifiedTokenCache(capacity: 2))
        let tokens = (0..<3).map { Fixture.token(Self.key, now: Fixture.now + Int64($0)) }
        for t in tokens { #expect(cached.validate(token: t, now: Fixture.now + 5).isAllowed) }
        let stats = cached.cache.statistics
        #expect(stats.inserts == 3 && stats.evictions == 1)
    }
}
