/// An immutable revocation list: 128-bit fingerprints in an ordered linear-probing table.
///
/// Layout: one buffer of `slots` fingerprints (16 bytes each). A fingerprint's home slot is
/// its `high` word scaled to the table (`high * tableSize >> 64`), so homes grow with the
/// fingerprints; each fingerprint, in ascending order, takes its home or, when that is taken,
/// the slot after the previous one. The table is therefore sorted, and a run of occupied slots
/// never has a gap. Empty slots hold `RevocationFingerprint.emptySlot` (all ones, above every
/// other fingerprint), and the last slot is always empty.
///
/// A lookup starts at the home slot and reads forward until it finds the fingerprint, a larger
/// one or an empty slot: at 3/4 load that is 2-3 slots, nearly always within one 64-byte line
/// or two adjacent ones, so one dependent cache miss. The earlier layout (a prefix index of
/// bucket offsets beside the sorted array) needed two dependent misses, the index word then
/// the bucket, which kept a single lookup over 100 ns at ten million entries (bench/NOTES.md,
/// Token revocation). Storage is 16 B / 0.75 and a little slack for the last homes' overflow,
/// about 21.6 B per entry. The buffer is backed by huge pages where the system offers them
/// (`ListStorage`).
///
/// Built once (off the hot path) and never mutated; lookups take no lock and allocate nothing.
/// Published through `RevocationList`.
public final class Denylist: @unchecked Sendable {
    // @unchecked: the buffer is written only in init and freed in deinit.
    @usableFromInline let table: UnsafeMutablePointer<RevocationFingerprint>
    /// Home slots run over `0..<tableSize`; the table has overflow slots after them.
    @usableFromInline let tableSize: UInt64
    /// Whether the one fingerprint that cannot be stored (it marks empty slots) is listed.
    @usableFromInline let listsEmptyMarker: Bool
    /// Distinct fingerprints held.
    public let count: Int
    /// Slots allocated: home slots, overflow and the final empty slot.
    public let slots: Int
    /// How many entries are `jti`s and how many whole tokens: a kind with no entries is not
    /// hashed at all on lookup.
    public let jtiCount: Int
    public let tokenCount: Int

    /// The largest list: slot numbers, with the table's quarter of free slots, fit 32 bits.
    public static let maxEntries = 3_000_000_000

    /// An empty list.
    public static let empty = Denylist(sorting: [])

    /// A list of `fingerprints` (any order, duplicates allowed), built in the table's own
    /// buffer, so a ten-million-entry reload holds the parsed array, the table and 4 bytes an
    /// entry of positions, not a second copy of the fingerprints:
    /// 1. scattered into the buffer's first slots by their top bits (counts per bucket give
    ///    each bucket's start; every write is independent, so the cache misses overlap) and
    ///    each bucket, a handful of entries, sorted with the standard library's sort;
    /// 2. walked forward to give each distinct fingerprint its slot (its home, or the slot
    ///    after the previous one), duplicates dropped;
    /// 3. moved to those slots from the last to the first: a slot is never before its
    ///    entry's place in the sorted prefix, so no move overwrites an entry still to move.
    /// An in-place partition (swapping each element into its bucket) was measured first and
    /// took 3.9 s at ten million entries, five times this, because each swap waits for the
    /// miss of the one before (bench/NOTES.md, Token revocation).
    public init(sorting fingerprints: [RevocationFingerprint]) {
        precondition(fingerprints.count <= Self.maxEntries, "a revocation list holds at most \(Self.maxEntries) entries")
        let total = fingerprints.count
        let size = Self.tableSize(for: total)
        tableSize = UInt64(size)
        // Room for the overflow of the last homes past `size`: ample for hashed fingerprints;
        // clustered ones (only constructed, as in the tests) get a larger buffer below.
        var allocated = size + 64 + total / 64
        var storage = ListStorage.allocate(RevocationFingerprint.self, count: allocated)
        fingerprints.withUnsafeBufferPointer { Self.scatterSorted($0, into: storage) }
        var marker = false
        var placed = 0
        var tokens = 0
        var last = -1
        let positions = UnsafeMutablePointer<UInt32>.allocate(capacity: max(1, total))
        defer { positions.deallocate() }
        // Duplicates and the marker are dropped while compacting forward (the write index never
        // passes the read index), so that each kept entry's slot is at or after its index.
        var previous: RevocationFingerprint?
        for k in 0..<total {
            let f = storage[k]
            if f == previous { continue }
            previous = f
            if f.isToken { tokens += 1 }
            if f == .emptySlot {
                marker = true
                continue
            }
            last = max(Self.home(of: f.high, size: UInt64(size)), last + 1)
            storage[placed] = f
            positions[placed] = UInt32(last)
            placed += 1
        }
        let length = max(size, last + 1) + 1
        if length > allocated {
            let larger = ListStorage.allocate(RevocationFingerprint.self, count: length)
            larger.moveInitialize(from: storage, count: placed)
            ListStorage.deallocate(storage, count: allocated)
            storage = larger
            allocated = length
        }
        (storage + placed).initialize(repeating: .emptySlot, count: allocated - placed)
        // From the last to the first: a kept entry's slot is at or after its index, and every
        // entry still to move sits before it.
        for k in stride(from: placed - 1, through: 0, by: -1) {
            let f = storage[k]
            storage[k] = .emptySlot
            storage[Int(positions[k])] = f
        }
        table = storage
        slots = allocated
        listsEmptyMarker = marker
        count = placed + (marker ? 1 : 0)
        tokenCount = tokens
        jtiCount = count - tokens
    }

    /// Home slots for `n` entries: a load of 3/4 (at least one slot). Measured at ten million
    /// entries (bench/NOTES.md, Token revocation).
    static func tableSize(for n: Int) -> Int { max(1, n + (n + 2) / 3) }

    /// The home slot of a fingerprint whose first word is `high`: `high` scaled from 2^64 to
    /// `size`, so that homes are in the fingerprints' order.
    @inlinable @inline(__always)
    static func home(of high: UInt64, size: UInt64) -> Int {
        Int(truncatingIfNeeded: high.multipliedFullWidth(by: size).high)
    }

    /// Writes `source` sorted into `destination`'s first `source.count` slots: counted and
    /// scattered by the top bits into buckets of 2 to 4 entries on average, then each bucket
    /// sorted with the standard library's sort.
    static func scatterSorted(
        _ source: UnsafeBufferPointer<RevocationFingerprint>, into destination: UnsafeMutablePointer<RevocationFingerprint>
    ) {
        let n = source.count
        guard n > 16 else {
            let sorted = source.sorted()
            for (i, f) in sorted.enumerated() { (destination + i).initialize(to: f) }
            return
        }
        let bits = min(24, (Int.bitWidth - 1 - n.leadingZeroBitCount) - 1)
        let shift = UInt64(64 - bits)
        let buckets = 1 << bits
        let starts = UnsafeMutablePointer<Int>.allocate(capacity: buckets + 1)
        let cursors = UnsafeMutablePointer<Int>.allocate(capacity: buckets)
        defer {
            starts.deallocate()
            cursors.deallocate()
        }
        starts.initialize(repeating: 0, count: buckets + 1)
        for f in source { starts[Int(f.high >> shift) + 1] += 1 }
        for b in 0..<buckets { starts[b + 1] += starts[b] }
        cursors.initialize(from: starts, count: buckets)
        for f in source {
            let b = Int(f.high >> shift)
            (destination + cursors[b]).initialize(to: f)
            cursors[b] += 1
        }
        for b in 0..<buckets where starts[b + 1] - starts[b] > 1 {
            var bucket = UnsafeMutableBufferPointer(start: destination + starts[b], count: starts[b + 1] - starts[b])
            bucket.sort()
        }
    }

    deinit {
        ListStorage.deallocate(table, count: slots)
    }

    /// Whether `fingerprint` is listed: a read forward from its home slot, usually within one
    /// cache line.
    @inlinable @inline(__always)
    public func contains(_ fingerprint: RevocationFingerprint) -> Bool {
        if fingerprint == .emptySlot { return listsEmptyMarker }
        var i = Self.home(of: fingerprint.high, size: tableSize)
        // Ends at the fingerprint, a larger one or an empty slot (the last slot is empty, and
        // empty slots compare above every fingerprint but the marker, handled above).
        while true {
            let e = table[i]
            if e.high == fingerprint.high {
                if e.low == fingerprint.low { return true }
                if e.low > fingerprint.low { return false }
            } else if e.high > fingerprint.high {
                return false
            }
            i += 1
        }
    }

    /// Whether a verified token is listed, by its `jti` or by its bytes. Each kind is hashed
    /// only when the list holds entries of that kind (an empty list hashes nothing).
    @inline(__always)
    public func contains(jti: UnsafeRawBufferPointer?, token: UnsafeRawBufferPointer) -> Bool {
        if jtiCount > 0, let jti, contains(.jti(jti)) { return true }
        if tokenCount > 0, contains(.token(token)) { return true }
        return false
    }

    /// Bytes of storage: the table, as allocated.
    public var storageBytes: Int { slots * MemoryLayout<RevocationFingerprint>.stride }

    /// `storageBytes` per entry (the measure the ≤ 24 B goal is stated in).
    public var bytesPerEntry: Double { count == 0 ? 0 : Double(storageBytes) / Double(count) }

    /// The share of home slots in use.
    public var load: Double { Double(count) / Double(tableSize) }

    /// The fingerprints in ascending order (off the hot path: tests, tools).
    public var fingerprints: [RevocationFingerprint] {
        var all = UnsafeBufferPointer(start: table, count: slots).filter { $0 != .emptySlot }
        if listsEmptyMarker { all.append(.emptySlot) }
        return all
    }
}
