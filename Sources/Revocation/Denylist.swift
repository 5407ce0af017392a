/// An immutable revocation list: sorted 128-bit fingerprints with a prefix index.
///
/// Layout: the fingerprints, sorted and without duplicates, in one buffer of 16 bytes each;
/// and an index of `2^indexBits + 1` 32-bit offsets, where entry `p` is the first fingerprint
/// whose top `indexBits` bits are `p` or more. `indexBits` is chosen so that a bucket holds
/// 4 to 8 fingerprints on average: a lookup reads one index word and scans one bucket of
/// 64-128 contiguous bytes, about two cache misses, instead of the ~24 dependent probes of a
/// binary search over ten million entries. The index costs at most 1 byte per entry, so the
/// whole list stays under 17 bytes per entry (`bytesPerEntry`).
///
/// Built once (off the hot path) and never mutated; lookups take no lock and allocate nothing.
/// Published through `RevocationList`.
public final class Denylist: @unchecked Sendable {
    // @unchecked: both buffers are written only in init and freed in deinit.
    @usableFromInline let entries: UnsafeMutablePointer<RevocationFingerprint>
    @usableFromInline let index: UnsafeMutablePointer<UInt32>
    /// Distinct fingerprints held.
    public let count: Int
    /// Top bits of `high` the index is keyed by (0 for tiny lists).
    public let indexBits: Int
    /// How many entries are `jti`s and how many whole tokens: a kind with no entries is not
    /// hashed at all on lookup.
    public let jtiCount: Int
    public let tokenCount: Int
    @usableFromInline let shift: UInt64
    /// Fingerprint slots allocated (the entries before duplicates were dropped).
    private let capacity: Int

    /// The largest list: offsets are 32-bit.
    public static let maxEntries = Int(UInt32.max) - 1

    /// An empty list.
    public static let empty = Denylist(sorting: [])

    /// A list of `fingerprints` (any order, duplicates allowed): sorted with the standard
    /// library's sort, duplicates dropped, then indexed.
    public convenience init(sorting fingerprints: consuming [RevocationFingerprint]) {
        // Consumed, so that sorting in place does not copy ten million entries first.
        var sorted = consume fingerprints
        sorted.sort()
        self.init(sorted: sorted)
    }

    /// A list of fingerprints already in ascending order (duplicates allowed).
    public init(sorted: [RevocationFingerprint]) {
        precondition(sorted.count <= Self.maxEntries, "a revocation list holds at most \(Self.maxEntries) entries")
        capacity = max(sorted.count, 1)
        let buffer = UnsafeMutablePointer<RevocationFingerprint>.allocate(capacity: capacity)
        var n = 0
        var tokens = 0
        sorted.withUnsafeBufferPointer { source in
            for f in source where n == 0 || buffer[n - 1] != f {
                buffer[n] = f
                n += 1
                if f.isToken { tokens += 1 }
            }
        }
        entries = buffer
        count = n
        tokenCount = tokens
        jtiCount = n - tokens
        // About 4-8 entries per bucket: bits = floor(log2(n)) - 2, within 0...24.
        let bits = n < 8 ? 0 : min(24, (Int.bitWidth - 1 - n.leadingZeroBitCount) - 2)
        indexBits = bits
        shift = UInt64(64 - bits)
        let buckets = 1 << bits
        index = .allocate(capacity: buckets + 1)
        var position = 0
        for bucket in 0..<buckets {
            while position < n && Self.bucket(of: buffer[position].high, shift: UInt64(64 - bits)) < bucket { position += 1 }
            index[bucket] = UInt32(position)
        }
        index[buckets] = UInt32(n)
    }

    deinit {
        entries.deallocate()
        index.deallocate()
    }

    @inlinable @inline(__always)
    static func bucket(of high: UInt64, shift: UInt64) -> Int {
        // A shift by 64 (no index bits) is 0 with Swift's `>>`, as wanted.
        Int(truncatingIfNeeded: high >> shift)
    }

    /// Whether `fingerprint` is listed: one index read and a scan of its bucket.
    @inlinable @inline(__always)
    public func contains(_ fingerprint: RevocationFingerprint) -> Bool {
        let bucket = Self.bucket(of: fingerprint.high, shift: shift)
        var i = Int(index[bucket])
        let end = Int(index[bucket + 1])
        while i < end {
            let e = entries[i]
            if e.high == fingerprint.high {
                if e.low == fingerprint.low { return true }
            } else if e.high > fingerprint.high {
                return false
            }
            i += 1
        }
        return false
    }

    /// Whether a verified token is listed, by its `jti` or by its bytes. Each kind is hashed
    /// only when the list holds entries of that kind (an empty list hashes nothing).
    @inline(__always)
    public func contains(jti: UnsafeRawBufferPointer?, token: UnsafeRawBufferPointer) -> Bool {
        if jtiCount > 0, let jti, contains(.jti(jti)) { return true }
        if tokenCount > 0, contains(.token(token)) { return true }
        return false
    }

    /// Bytes of storage: the fingerprints and the index, as allocated.
    public var storageBytes: Int {
        capacity * MemoryLayout<RevocationFingerprint>.stride + ((1 << indexBits) + 1) * MemoryLayout<UInt32>.stride
    }

    /// `storageBytes` per entry (the measure the ≤ 24 B goal is stated in).
    public var bytesPerEntry: Double { count == 0 ? 0 : Double(storageBytes) / Double(count) }

    /// The fingerprints in ascending order (off the hot path: tests, tools).
    public var fingerprints: [RevocationFingerprint] { Array(UnsafeBufferPointer(start: entries, count: count)) }
}
