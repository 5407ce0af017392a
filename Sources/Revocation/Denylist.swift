/// An immutable revocation list: sorted 128-bit fingerprints with a prefix index.
///
/// Layout: the fingerprints, sorted and without duplicates, in one buffer of 16 bytes each;
/// and an index of `2^indexBits + 1` 32-bit offsets, where entry `p` is the first fingerprint
/// whose top `indexBits` bits are `p` or more. `indexBits` is chosen so that a bucket holds
/// 2 to 4 fingerprints on average: a lookup reads one index word and scans one bucket of
/// 32-64 contiguous bytes, about two cache misses, instead of the ~24 dependent probes of a
/// binary search over ten million entries. The index costs at most 2 bytes per entry, so the
/// whole list stays under 18 bytes per entry (`bytesPerEntry`). Both buffers are backed by
/// huge pages where the system offers them (`ListStorage`).
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

    /// A list of `fingerprints` (any order, duplicates allowed), built in three passes that
    /// need no copy of the array: count the fingerprints per bucket (the index is the running
    /// sum of those counts), place each in its bucket, then sort each bucket (a handful of
    /// entries) with the standard library's sort and drop duplicates. At ten million entries
    /// this takes a fraction of one `sort()` of the whole array (bench/NOTES.md, Token
    /// revocation), which mattered because a reload must finish within seconds.
    public init(sorting fingerprints: [RevocationFingerprint]) {
        precondition(fingerprints.count <= Self.maxEntries, "a revocation list holds at most \(Self.maxEntries) entries")
        let total = fingerprints.count
        let bits = Self.indexBits(for: total)
        let shift = UInt64(64 - bits)
        let buckets = 1 << bits
        capacity = max(total, 1)
        let buffer = ListStorage.allocate(RevocationFingerprint.self, count: capacity)
        let starts = ListStorage.allocate(UInt32.self, count: buckets + 1)
        starts.initialize(repeating: 0, count: buckets + 1)
        fingerprints.withUnsafeBufferPointer { source in
            // 1. Counts per bucket, one slot ahead, so that the running sum gives each start.
            for f in source { starts[Self.bucket(of: f.high, shift: shift) + 1] &+= 1 }
            for b in 0..<buckets { starts[b + 1] &+= starts[b] }
            // 2. Each fingerprint to the next free place of its bucket.
            let cursors = UnsafeMutablePointer<UInt32>.allocate(capacity: buckets)
            defer { cursors.deallocate() }
            cursors.initialize(from: starts, count: buckets)
            for f in source {
                let b = Self.bucket(of: f.high, shift: shift)
                (buffer + Int(cursors[b])).initialize(to: f)
                cursors[b] &+= 1
            }
        }
        // 3. Each bucket sorted; duplicates (always in one bucket) dropped while compacting.
        var written = 0
        var tokens = 0
        for b in 0..<buckets {
            let start = Int(starts[b])
            let end = Int(starts[b + 1])
            starts[b] = UInt32(written)
            guard end > start else { continue }
            var bucket = UnsafeMutableBufferPointer(start: buffer + start, count: end - start)
            bucket.sort()
            var previous: RevocationFingerprint?
            for i in start..<end {
                let f = buffer[i]
                if f == previous { continue }
                previous = f
                buffer[written] = f
                written += 1
                if f.isToken { tokens += 1 }
            }
        }
        starts[buckets] = UInt32(written)
        entries = buffer
        index = starts
        count = written
        tokenCount = tokens
        jtiCount = written - tokens
        indexBits = bits
        self.shift = shift
    }

    /// 2 to 4 entries per bucket on average (floor(log2(n)) - 1 bits, within 0...24): a
    /// bucket is one 64-byte line most of the time, and the index costs at most 2 bytes an
    /// entry. Measured at ten million entries against 4-8 and 16-32 per bucket (bench/NOTES.md,
    /// Token revocation): the fewer entries per bucket, the faster, though the index is larger.
    static func indexBits(for n: Int) -> Int {
        n < 4 ? 0 : min(24, (Int.bitWidth - 1 - n.leadingZeroBitCount) - 1)
    }

    deinit {
        ListStorage.deallocate(entries, count: capacity)
        ListStorage.deallocate(index, count: (1 << indexBits) + 1)
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
