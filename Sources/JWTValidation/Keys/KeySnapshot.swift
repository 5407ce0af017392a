import JOSECrypto

/// An immutable key set with verifiers prepared for every (key, allowed algorithm) pair.
///
/// Built once per key-set refresh, then shared by all threads without locks. Lookups by `kid`
/// hash the raw bytes into an open-addressing table, so no `String` is made per request; the
/// results are arrays built here, so returning one costs a retain, not an allocation.
public final class KeySnapshot: Sendable {
    /// A key that could not be used, and why (reported, never fatal: one bad key in a set must
    /// not take the good ones down).
    public struct Skipped: Sendable, Hashable {
        public let kid: String?
        public let reason: String
    }

    /// The keys that made it in, in their original order.
    public let keys: [JWK]
    public let skipped: [Skipped]
    /// When this set was loaded (seconds since the epoch), for staleness decisions.
    public let loadedAt: Int64

    private let kidBytes: [[UInt8]]
    /// Per key, per algorithm ordinal: a one-element verifier list, or nil when the key does not fit.
    private let verifiers: [[[any SignatureVerifier]?]]
    /// Per algorithm ordinal: every fitting key's verifier, in order (for tokens without `kid`).
    private let byAlgorithm: [[any SignatureVerifier]]
    /// Open-addressing table of key indices + 1 (0 = empty), indexed by kid hash.
    private let table: [Int32]
    private let tableMask: Int

    /// The algorithms the verifiers were made for (a later snapshot reuses them only for the same list).
    private let algorithms: [JWSAlgorithm]

    /// Prepares verifiers for every key and allowed algorithm. `previous`, a snapshot made by
    /// the same source with the same backend, lends its verifiers for keys that are in both
    /// (same JWK, same algorithms): a refresh that adds or retires one key leaves the others'
    /// prepared state alone (an ES256 key's table of multiples costs ~50 ms to rebuild).
    public init(
        keys: [JWK], algorithms: [JWSAlgorithm], backend: any CryptoBackend = OpenSSLBackend(), loadedAt: Int64 = 0,
        reusing previous: KeySnapshot? = nil
    ) {
        var earlier: [JWK: [[any SignatureVerifier]?]] = [:]
        if let previous, previous.algorithms == algorithms {
            for (key, list) in zip(previous.keys, previous.verifiers) { earlier[key] = list }
        }
        var usable: [JWK] = []
        var skipped: [Skipped] = []
        var verifiers: [[[any SignatureVerifier]?]] = []
        // A kid that names two keys makes every lookup ambiguous (and is how a confused or
        // compromised issuer would smuggle in a second key): both are dropped.
        var kidCounts: [String: Int] = [:]
        for key in keys { if let kid = key.kid { kidCounts[kid, default: 0] += 1 } }
        for key in keys {
            if let kid = key.kid, kidCounts[kid]! > 1 {
                skipped.append(Skipped(kid: kid, reason: "kid \"\(kid)\" names \(kidCounts[kid]!) keys in the set"))
                continue
            }
            if let reused = earlier[key] {
                usable.append(key)
                verifiers.append(reused)
                continue
            }
            var perAlgorithm = [[any SignatureVerifier]?](repeating: nil, count: JWSAlgorithm.ordinalCount)
            var lastError: String?
            for algorithm in algorithms where algorithm.keyType == key.kty {
                do {
                    perAlgorithm[algorithm.ordinal] = [try backend.makeVerifier(key: key, algorithm: algorithm)]
                } catch {
                    lastError = "\(error)"
                }
            }
            if perAlgorithm.contains(where: { $0 != nil }) {
                usable.append(key)
                verifiers.append(perAlgorithm)
            } else {
                let why = lastError ?? "key type \(key.kty) fits none of the allowed algorithms \(algorithms.map(\.rawValue))"
                skipped.append(Skipped(kid: key.kid, reason: why))
            }
        }
        var byAlgorithm = [[any SignatureVerifier]](repeating: [], count: JWSAlgorithm.ordinalCount)
        for perKey in verifiers {
            for (ordinal, list) in perKey.enumerated() {
                if let list { byAlgorithm[ordinal].append(contentsOf: list) }
            }
        }
        let kidBytes = usable.map { Array(($0.kid ?? "").utf8) }
        var capacity = 8
        while capacity < usable.count * 2 { capacity <<= 1 }
        var table = [Int32](repeating: 0, count: capacity)
        for (index, key) in usable.enumerated() where key.kid != nil {
            var slot = kidBytes[index].withUnsafeBytes { Self.hash($0) } & (capacity - 1)
            while table[slot] != 0 { slot = (slot + 1) & (capacity - 1) }
            table[slot] = Int32(index + 1)
        }
        self.keys = usable
        self.algorithms = algorithms
        self.skipped = skipped
        self.loadedAt = loadedAt
        self.kidBytes = kidBytes
        self.verifiers = verifiers
        self.byAlgorithm = byAlgorithm
        self.table = table
        self.tableMask = capacity - 1
    }

    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var h: UInt64 = 14_695_981_039_346_656_037
        for b in bytes { h = (h ^ UInt64(b)) &* 1_099_511_628_211 }
        return Int(truncatingIfNeeded: h >> 1)
    }

    /// The verifier for `kid` (kids are unique here), or, without a `kid`, every key that fits
    /// `algorithm`. An unknown `kid` is `notFound`: never a fallback to other keys.
    public func lookup(kid: UnsafeRawBufferPointer?, algorithm: JWSAlgorithm) -> KeyLookup {
        guard let kid else {
            let all = byAlgorithm[algorithm.ordinal]
            return all.isEmpty ? .notFound : .found(all)
        }
        var slot = Self.hash(kid) & tableMask
        while true {
            let entry = Int(table[slot])
            if entry == 0 { return .notFound }
            let index = entry - 1
            if kidBytes[index].withUnsafeBytes({ JSONText.bytesEqual($0, kid) }) {
                guard let list = verifiers[index][algorithm.ordinal] else { return .notFound }
                return .found(list)
            }
            slot = (slot + 1) & tableMask
        }
    }
}
