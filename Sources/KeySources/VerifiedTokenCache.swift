import Foundation
import JOSECrypto
import JWTValidation
import Synchronization

/// A bounded cache of tokens that already verified, keyed by their exact bytes, like Envoy's
/// `jwt_cache_config` (100 entries, tokens up to 4 KiB by default): a hit skips the signature
/// check, which dominates validation, but never the time checks.
///
/// One table per thread, as Envoy keeps one per worker: no lock and no shared writes on the
/// request path. An entry is only good for the key-set generation it was verified under, so a
/// key refresh (a rotation, a retired key, the set becoming unavailable) invalidates it; and
/// `exp`/`nbf` are checked again, with the validator's leeway, on every hit.
public final class VerifiedTokenCache: Sendable {
    /// Entries per thread.
    public let capacity: Int
    /// Longer tokens are never cached (a cache of huge tokens is a memory amplifier).
    public let maxTokenBytes: Int
    private let tables = ThreadLocal<Table>()

    /// Hit and miss counts, summed over threads.
    public struct Statistics: Sendable, Hashable {
        /// Lookups that found a usable entry.
        public var hits = 0
        /// Lookups that did not (absent, or from an older key-set generation).
        public var misses = 0
        /// Tokens added.
        public var inserts = 0
        /// Entries pushed out by newer ones.
        public var evictions = 0
        /// Hits denied by the time check (expired or not yet valid).
        public var timeDenials = 0
    }

    /// A cache with `capacity` entries per thread for tokens up to `maxTokenBytes`.
    public init(capacity: Int = 100, maxTokenBytes: Int = 4096) {
        self.capacity = max(1, capacity)
        self.maxTokenBytes = maxTokenBytes
    }

    /// A cache sized by a strategy's `token-cache` settings.
    public convenience init(_ settings: KeyCacheStrategy.TokenCache) {
        self.init(capacity: settings.capacity, maxTokenBytes: settings.maxTokenBytes)
    }

    /// The counts so far, over all threads.
    public var statistics: Statistics {
        tables.allValues().reduce(into: Statistics()) { sum, table in
            sum.hits += table.hits.load(ordering: .relaxed)
            sum.misses += table.misses.load(ordering: .relaxed)
            sum.inserts += table.inserts.load(ordering: .relaxed)
            sum.evictions += table.evictions.load(ordering: .relaxed)
            sum.timeDenials += table.timeDenials.load(ordering: .relaxed)
        }
    }

    /// Scalars only, besides the key: a hit builds its decision around the caller's own token
    /// text, so no object shared with other requests is retained on the hit path.
    struct Entry {
        let key: TokenBytes
        let algorithm: JWSAlgorithm
        let backend: String
        let location: TokenLocation?
        let exp: Int64?
        let nbf: Int64?
        let generation: UInt64
        var referenced: Bool
    }

    /// One thread's table: a CLOCK (second-chance) approximation of LRU over `capacity` slots.
    ///
    /// Only its own thread touches it, so the slots are raw memory (a hit reads two or three
    /// fields in place instead of copying an optional entry with its strings) and the
    /// properties skip Swift's dynamic exclusivity checks: together with the cheaper key hash
    /// these were most of a hit's cost (perf: exclusivity bookkeeping ~10%, entry copies and
    /// their retains ~20%, SipHash over 72 bytes ~20%).
    final class Table {
        let capacity: Int
        let slots: UnsafeMutablePointer<Entry?>
        @exclusivity(unchecked) var index: [TokenBytes: Int] = [:]
        @exclusivity(unchecked) var hand = 0
        // Atomics only so that `statistics` may read them from another thread.
        let hits = Atomic<Int>(0)
        let misses = Atomic<Int>(0)
        let inserts = Atomic<Int>(0)
        let evictions = Atomic<Int>(0)
        let timeDenials = Atomic<Int>(0)

        init(capacity: Int) {
            self.capacity = capacity
            slots = .allocate(capacity: capacity)
            slots.initialize(repeating: nil, count: capacity)
        }

        deinit {
            slots.deinitialize(count: capacity)
            slots.deallocate()
        }

        /// The slot of a usable entry for `key`, marked as recently used.
        func find(_ key: TokenBytes, location: TokenLocation?, generation: UInt64) -> Int? {
            guard let slot = index[key], slots[slot] != nil else {
                misses.add(1, ordering: .relaxed)
                return nil
            }
            guard slots[slot]?.generation == generation, slots[slot]?.location == location else {
                remove(slot)
                misses.add(1, ordering: .relaxed)
                return nil
            }
            slots[slot]?.referenced = true
            hits.add(1, ordering: .relaxed)
            return slot
        }

        func insert(_ entry: Entry) {
            if let existing = index[entry.key] { remove(existing) }
            // Advance the hand past recently used entries, clearing their mark.
            while slots[hand]?.referenced == true {
                slots[hand]?.referenced = false
                hand = (hand + 1) % capacity
            }
            if slots[hand] != nil {
                remove(hand)
                evictions.add(1, ordering: .relaxed)
            }
            slots[hand] = entry
            index[entry.key] = hand
            hand = (hand + 1) % capacity
            inserts.add(1, ordering: .relaxed)
        }

        func remove(_ slot: Int) {
            if let key = slots[slot]?.key { index[key] = nil }
            slots[slot] = nil
        }
    }

    @inline(__always)
    func table() -> Table { tables.value { Table(capacity: capacity) } }
}

/// A token's exact bytes as a dictionary key. `String`'s own equality is Unicode canonical
/// equivalence, under which different byte sequences can be equal (U+212A KELVIN SIGN equals
/// "K"): a forged spelling must never hit the entry of the token it imitates.
struct TokenBytes: Hashable {
    let text: String

    // Native strings keep their UTF-8 contiguous, so equality is one memcmp; the generic
    // `elementsEqual` over `UTF8View` walked byte by byte and cost ~5 µs per 1 KB token hit.
    static func == (a: TokenBytes, b: TokenBytes) -> Bool {
        guard a.text.utf8.count == b.text.utf8.count else { return false }
        let same: Bool? =
            a.text.utf8.withContiguousStorageIfAvailable { pa in
                b.text.utf8.withContiguousStorageIfAvailable { pb in
                    pa.count == 0 || memcmp(pa.baseAddress!, pb.baseAddress!, pa.count) == 0
                }
            } ?? nil
        return same ?? a.text.utf8.elementsEqual(b.text.utf8)
    }

    /// The length and the last 8 bytes, one word: they lie in the signature, whose base64url
    /// text differs between any two tokens an issuer signs (48 random bits), not in all of a
    /// ~1 KB token. Equality still compares every byte, and only verified tokens are ever
    /// inserted, so a crafted collision costs at most a probe over this thread's few entries.
    func hash(into hasher: inout Hasher) {
        let count = text.utf8.count
        var tail = UInt64(truncatingIfNeeded: count)
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
            if count >= 8 {
                tail ^= UnsafeRawBufferPointer(bytes).loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            } else {
                for byte in bytes { tail = tail &* 31 &+ UInt64(byte) }
            }
        }
        if done == nil {
            for byte in text.utf8.suffix(8) { tail = tail &* 31 &+ UInt64(byte) }
        }
        hasher.combine(tail)
    }
}

/// A `Validator` with a verified-token cache in front: a hit skips the signature, never the
/// `exp`/`nbf` check, and is never older than the validator's revocation list.
public struct CachingValidator: Sendable {
    /// The validator a miss goes to.
    public let validator: Validator
    /// The cache in front of it.
    public let cache: VerifiedTokenCache
    private let generation: @Sendable () -> UInt64

    /// Wraps `validator`. `keySetGeneration` must change whenever the keys behind the
    /// validator change (`RemoteKeyProvider.generation`, `PolicyKeySources.generation`);
    /// the default suits fixed keys.
    public init(validator: Validator, cache: VerifiedTokenCache, keySetGeneration: @escaping @Sendable () -> UInt64 = { 0 }) {
        self.validator = validator
        self.cache = cache
        self.generation = keySetGeneration
    }

    /// Like `Validator.validate(token:now:location:)`.
    public func validate(token: String, now: Int64, location: TokenLocation? = nil) -> Decision {
        // The denylist's generation is part of the key set's: an entry checked against one
        // list is a miss once another is published, so a newly revoked token goes back to the
        // validator (which denies it) instead of being served from the cache. Both counters
        // only grow, so their sum changes whenever either does. Read before validating: a
        // list swapped meanwhile leaves the new entry under the old generation (a later miss).
        let generation = generation() &+ (validator.revocation?.generation ?? 0)
        let table = cache.table()
        let key = TokenBytes(text: token)
        if let slot = table.find(key, location: location, generation: generation) {
            let exp = table.slots[slot]?.exp ?? nil
            if let denial = validator.rules.timeDenial(exp: exp, nbf: table.slots[slot]?.nbf ?? nil, now: now) {
                table.timeDenials.add(1, ordering: .relaxed)
                return .deny(denial)
            }
            guard let algorithm = table.slots[slot]?.algorithm, let backend = table.slots[slot]?.backend else {
                preconditionFailure("find returned an empty slot")
            }
            return .allow(VerifiedToken(token: token, algorithm: algorithm, location: location, expiresAt: exp, backend: backend))
        }
        let decision = validator.validate(token: token, now: now, location: location)
        // Encrypted tokens are not cached: a hit could not restate what they decrypted to.
        if case .allow(let verified) = decision, let algorithm = verified.algorithm, verified.encryption == nil,
            token.utf8.count <= cache.maxTokenBytes
        {
            table.insert(
                VerifiedTokenCache.Entry(
                    key: key, algorithm: algorithm, backend: verified.backend, location: location, exp: verified.expiresAt,
                    nbf: Self.notBefore(verified), generation: generation, referenced: false))
        }
        return decision
    }

    /// The token's `nbf`, read once when it is cached (the validator already checked that it
    /// is an integer).
    private static func notBefore(_ verified: VerifiedToken) -> Int64? {
        (verified.payload["nbf"] as? NSNumber)?.int64Value
    }
}
