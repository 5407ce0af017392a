import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An immutable object behind an atomically swapped pointer: readers take no lock, allocate
/// nothing and never wait. Key snapshots (`KeySources`' `snapshot` lookup) and revocation lists
/// are published through it.
///
/// The hard part of swapping a reference atomically is knowing when the old one may be freed:
/// a reader may have loaded the pointer and not yet used it. Readers therefore announce
/// themselves in a counter of the current epoch's parity (striped per thread, one cache line
/// each, so readers on different cores do not contend); a writer swaps the pointer, flips the
/// epoch and releases the old object only once the previous parity's counters have drained.
/// A reader re-checks the epoch after announcing itself, so a writer never misses a reader
/// that could still hold the old pointer. Writers (a refresh, not the hot path) are serialised
/// and may yield briefly while readers finish.
///
/// The read path is inlinable so that it is specialised for `Value` in the calling module (no
/// generic dispatch on the hot path).
public final class SnapshotCell<Value: AnyObject & Sendable>: @unchecked Sendable {
    // Memory ordering: every access is sequentially consistent. Correctness needs the
    // reader's counter increment ordered before its pointer load (a store-load order only
    // seq_cst gives), and on x86 a locked increment is a full barrier anyway.
    @usableFromInline let current: Atomic<Unmanaged<Value>>
    @usableFromInline let epoch = Atomic<Int>(0)
    // Raw memory because `Atomic` cannot live in an Array; written only in init and deinit.
    @usableFromInline let counters: UnsafeMutablePointer<Atomic<Int>>
    private let writer = Mutex<Void>(())

    /// A cell holding `initial`.
    public init(_ initial: Value) {
        current = Atomic(Unmanaged.passRetained(initial))
        let count = 2 * SnapshotReaderStripe.stripes * SnapshotReaderStripe.spacing
        counters = .allocate(capacity: count)
        for i in 0..<count { (counters + i).initialize(to: Atomic(0)) }
    }

    deinit {
        current.load(ordering: .sequentiallyConsistent).release()
        counters.deinitialize(count: 2 * SnapshotReaderStripe.stripes * SnapshotReaderStripe.spacing)
        counters.deallocate()
    }

    @inlinable @inline(__always)
    func counter(parity: Int, stripe: Int) -> UnsafeMutablePointer<Atomic<Int>> {
        counters + (parity * SnapshotReaderStripe.stripes + stripe) * SnapshotReaderStripe.spacing
    }

    /// Runs `body` with the current value, which stays alive until `body` returns.
    @inlinable @inline(__always)
    public func read<R>(_ body: (Value) -> R) -> R {
        let stripe = SnapshotReaderStripe.current()
        var slot: UnsafeMutablePointer<Atomic<Int>>
        while true {
            let seen = epoch.load(ordering: .sequentiallyConsistent)
            slot = counter(parity: seen & 1, stripe: stripe)
            slot.pointee.wrappingAdd(1, ordering: .sequentiallyConsistent)
            // If a writer flipped the epoch meanwhile, it may already have checked this
            // parity's counters: announce again under the new epoch.
            if epoch.load(ordering: .sequentiallyConsistent) == seen { break }
            slot.pointee.wrappingSubtract(1, ordering: .sequentiallyConsistent)
        }
        let result = current.load(ordering: .sequentiallyConsistent)._withUnsafeGuaranteedRef { body($0) }
        slot.pointee.wrappingSubtract(1, ordering: .sequentiallyConsistent)
        return result
    }

    /// A strong reference to the current value (off the hot path).
    public func load() -> Value { read { $0 } }

    /// Makes `new` current and frees the previous value once no reader can hold it.
    public func publish(_ new: Value) {
        writer.withLock { _ in
            let old = current.exchange(Unmanaged.passRetained(new), ordering: .sequentiallyConsistent)
            let previous = epoch.load(ordering: .sequentiallyConsistent)
            epoch.store(previous &+ 1, ordering: .sequentiallyConsistent)
            let parity = previous & 1
            for stripe in 0..<SnapshotReaderStripe.stripes {
                while counter(parity: parity, stripe: stripe).pointee.load(ordering: .sequentiallyConsistent) != 0 {
                    sched_yield()
                }
            }
            old.release()
        }
    }
}

/// The reader counters' stripes, shared by every `SnapshotCell` (a generic class cannot hold
/// static stored properties).
@usableFromInline
enum SnapshotReaderStripe {
    @usableFromInline static let stripes = 16
    /// Atomics per counter, so each counter has a 64-byte cache line of its own.
    @usableFromInline static let spacing = 8

    /// The calling thread's stripe, handed out round-robin on its first read (a hash of the
    /// thread handle put two threads on one stripe often enough to show in measurements).
    @inlinable @inline(__always)
    static func current() -> Int {
        if let raw = pthread_getspecific(key) { return (Int(bitPattern: raw) - 1) & (stripes - 1) }
        return assign()
    }

    @usableFromInline @inline(never)
    static func assign() -> Int {
        let stripe = next.wrappingAdd(1, ordering: .relaxed).oldValue & (stripes - 1)
        // Stored as stripe + 1, so that "no value" (nil) stays distinct from stripe 0.
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: stripe + 1))
        return stripe
    }

    private static let next = Atomic<Int>(0)
    @usableFromInline static let key: pthread_key_t = {
        var made = pthread_key_t()
        let rc = pthread_key_create(&made, nil)
        precondition(rc == 0, "pthread_key_create failed (\(rc)): too many thread-local keys")
        return made
    }()
}
