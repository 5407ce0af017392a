import JOSECrypto
import Synchronization

/// A 64-bit hash of a (`kid`, algorithm) pair: how the unknown-kid gate and its negative cache
/// name a kid without keeping its bytes. Computed from the raw header bytes, so the miss path
/// makes no `String`.
enum KidHash {
    /// FNV-1a over the kid bytes, mixed with the algorithm; never 0 (0 marks an empty slot).
    @inline(__always)
    static func of(_ kid: UnsafeRawBufferPointer, _ algorithm: JWSAlgorithm) -> UInt64 {
        var h: UInt64 = 14_695_981_039_346_656_037
        for b in kid { h = (h ^ UInt64(b)) &* 1_099_511_628_211 }
        // The enum's hash (its case, not its name) is stable within a process, which is all an
        // in-memory cache needs.
        h ^= UInt64(truncatingIfNeeded: algorithm.hashValue) &* 0x9E37_79B9_7F4A_7C15
        return h == 0 ? 1 : h
    }

    static func of(_ kid: String, _ algorithm: JWSAlgorithm) -> UInt64 {
        var copy = kid
        return copy.withUTF8 { of(UnsafeRawBufferPointer($0), algorithm) }
    }
}

/// A lock-free, read-mostly mirror of the unknown-kid gate's negative cache, so that the
/// lookup miss path can drop a known-absent kid without taking the state machine's lock.
///
/// Linear-probing table of kid hashes in atomics. Only one writer at a time (the provider,
/// under its state lock) rewrites it; readers may see a half-rewritten table, which can only
/// make them miss an entry (and fall through to the cooldown gate), never invent one that
/// was not in the old or the new set.
final class NegativeKidFilter: @unchecked Sendable {
    // Raw memory because `Atomic` is not copyable and cannot live in an Array; the pointer
    // is written only in init and deinit (hence @unchecked Sendable).
    private let slots: UnsafeMutablePointer<Atomic<UInt64>>
    private let mask: Int
    private static let maxProbes = 8

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = .allocate(capacity: size)
        for i in 0..<size { (slots + i).initialize(to: Atomic(0)) }
        mask = size - 1
    }

    deinit {
        slots.deinitialize(count: mask + 1)
        slots.deallocate()
    }

    @inline(__always)
    func contains(_ hash: UInt64) -> Bool {
        var slot = Int(truncatingIfNeeded: hash) & mask
        for _ in 0..<Self.maxProbes {
            let value = slots[slot].load(ordering: .relaxed)
            if value == hash { return true }
            if value == 0 { return false }
            slot = (slot + 1) & mask
        }
        return false
    }

    /// Replaces the contents with `hashes` (single writer).
    func replace(with hashes: [UInt64]) {
        for i in 0...mask { slots[i].store(0, ordering: .relaxed) }
        for hash in hashes {
            var slot = Int(truncatingIfNeeded: hash) & mask
            for _ in 0..<Self.maxProbes {
                if slots[slot].load(ordering: .relaxed) == 0 {
                    slots[slot].store(hash, ordering: .releasing)
                    break
                }
                slot = (slot + 1) & mask
            }
            // A kid that finds no slot within the probe limit is simply not mirrored: the
            // cooldown gate still bounds its refetches.
        }
    }
}
