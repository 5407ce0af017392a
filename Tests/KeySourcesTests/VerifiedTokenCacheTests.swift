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
        let cached = CachingValidator(
            validator: Fixture.validator(provider), cache: VerifiedTokenCache(),
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
        // Same length and same last 8 bytes (the hash: the signature's tail), one payload byte
        // changed: same bucket, and still not a hit: equality compares every byte.
        var bytes = Array(token.utf8)
        let firstDot = bytes.firstIndex(of: UInt8(ascii: "."))!
        bytes[firstDot + 5] = bytes[firstDot + 5] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let sameTail = String(decoding: bytes, as: UTF8.self)
        #expect(sameTail.utf8.count == token.utf8.count && sameTail.utf8.suffix(8).elementsEqual(token.utf8.suffix(8)))
        let hitsBefore = cached.cache.statistics.hits
        #expect(cached.validate(token: sameTail, now: Fixture.now).reason != nil)
        #expect(cached.cache.statistics.hits == hitsBefore)
        #expect(cached.validate(token: token, now: Fixture.now).isAllowed)
        #expect(cached.cache.statistics.hits == hitsBefore + 1)
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
        // CLOCK: the newest two are cached and hit; the first was evicted and is verified again.
        #expect(cached.validate(token: tokens[2], now: Fixture.now + 5).isAllowed)
        #expect(cached.validate(token: tokens[1], now: Fixture.now + 5).isAllowed)
        #expect(cached.cache.statistics.hits == 2)
        let lookups = provider.lookups.value
        #expect(cached.validate(token: tokens[0], now: Fixture.now + 5).isAllowed)
        #expect(provider.lookups.value == lookups + 1)
        // A hit for a token found in another place (location differs) is not reused.
        let header = TokenLocation(type: .jwt, method: .header, name: "Authorization", prefix: "Bearer ")
        let before = provider.lookups.value
        #expect(cached.validate(token: tokens[0], now: Fixture.now + 5, location: header).isAllowed)
        #expect(provider.lookups.value == before + 1)
    }
}
