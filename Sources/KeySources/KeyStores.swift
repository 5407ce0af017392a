import JOSECrypto
import JWTValidation
import Synchronization

import struct NIOConcurrencyHelpers.NIOLockedValueBox

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One immutable state of a key source as lookups see it: a snapshot to answer from, or the
/// reason there is none. Replaced whole, never mutated.
public final class PublishedKeys: Sendable {
    /// The keys to answer from; nil when none can be used.
    public let snapshot: KeySnapshot?
    /// Why lookups answer `unavailable` (when `snapshot` is nil).
    public let unavailableReason: String
    /// Bumped on every publication (a verified-token cache entry is only good for the
    /// generation it was verified under).
    public let generation: UInt64
    /// Served past its TTL (stale-if-error).
    public let isStale: Bool

    /// A published state.
    public init(snapshot: KeySnapshot?, unavailableReason: String, generation: UInt64, isStale: Bool = false) {
        self.snapshot = snapshot
        self.unavailableReason = unavailableReason
        self.generation = generation
        self.isStale = isStale
    }

    @inline(__always)
    func lookup(kid: UnsafeRawBufferPointer?, algorithm: JWSAlgorithm) -> KeyLookup {
        guard let snapshot else { return .unavailable(unavailableReason) }
        return snapshot.lookup(kid: kid, algorithm: algorithm)
    }
}

/// The current `PublishedKeys` behind an atomically swapped pointer: readers take no lock,
/// allocate nothing and never wait (docs/ARCHITECTURE.md, Key sources and key-cache strategies:
/// `snapshot`). The epoch scheme is `SnapshotCell`'s, shared with the revocation list.
typealias AtomicSnapshotCell = SnapshotCell<PublishedKeys>

/// The current state behind a mutex taken by every lookup: the naive variant the comparison
/// measures the others against (Spring-style locking on the request path).
final class MutexSnapshotCell: Sendable {
    private let current: NIOLockedValueBox<PublishedKeys>

    init(_ initial: PublishedKeys) { current = NIOLockedValueBox(initial) }

    @inline(__always)
    func read<R>(_ body: (PublishedKeys) -> R) -> R {
        current.withLockedValue { body($0) }
    }

    func load() -> PublishedKeys { current.withLockedValue { $0 } }

    func publish(_ new: PublishedKeys) { current.withLockedValue { $0 = new } }
}

/// Each thread keeps its own reference to the current state and re-reads it only when the
/// version moves: a lookup reads one shared, rarely written word and its own replica (the
/// thread-local-slot pattern of Envoy's workers). Replicas are refreshed from an
/// `AtomicSnapshotCell`, so no lock is taken either way.
///
/// A replica is a raw two-word slot reached through `pthread_getspecific`, not a class
/// instance: class properties would cost a dynamic exclusivity check and a retain/release
/// per lookup, which made this variant slower than the others in a first measurement.
final class PerThreadSnapshotCell: @unchecked Sendable {
    /// Only its own thread reads or writes a slot (and `deinit`, when no thread can).
    struct Replica {
        var version: UInt64
        /// +1 reference owned by the slot.
        var keys: Unmanaged<PublishedKeys>
    }

    private let source: AtomicSnapshotCell
    private let version = Atomic<UInt64>(0)
    // A `let`: reading a class's `var` costs a dynamic exclusivity check per lookup.
    private let key: pthread_key_t
    /// Every slot made, to free them when the cell goes (see `ThreadLocal` for why not a
    /// pthread destructor).
    private let slots = NIOLockedValueBox<[SlotAddress]>([])

    private struct SlotAddress: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<Replica>
    }

    init(_ initial: PublishedKeys) {
        source = AtomicSnapshotCell(initial)
        key = makeThreadKey()
    }

    deinit {
        // glibc gives a deleted key's number a new sequence, so a thread's stale value is
        // never returned for a later key that reuses the number.
        pthread_key_delete(key)
        slots.withLockedValue { all in
            for slot in all {
                slot.pointer.pointee.keys.release()
                slot.pointer.deinitialize(count: 1)
                slot.pointer.deallocate()
            }
        }
    }

    @inline(__always)
    func read<R>(_ body: (PublishedKeys) -> R) -> R {
        let replica = slot()
        let current = version.load(ordering: .acquiring)
        if replica.pointee.version != current { refresh(replica, to: current) }
        // The slot holds a strong reference: nothing can free the state under us.
        return replica.pointee.keys._withUnsafeGuaranteedRef { body($0) }
    }

    @inline(__always)
    private func slot() -> UnsafeMutablePointer<Replica> {
        if let raw = pthread_getspecific(key) { return raw.assumingMemoryBound(to: Replica.self) }
        return makeSlot()
    }

    @inline(never)
    private func makeSlot() -> UnsafeMutablePointer<Replica> {
        let made = UnsafeMutablePointer<Replica>.allocate(capacity: 1)
        made.initialize(to: Replica(version: .max, keys: Unmanaged.passRetained(source.load())))
        let address = SlotAddress(pointer: made)
        slots.withLockedValue { $0.append(address) }
        pthread_setspecific(key, made)
        return made
    }

    @inline(never)
    private func refresh(_ replica: UnsafeMutablePointer<Replica>, to current: UInt64) {
        let fresh = Unmanaged.passRetained(source.load())
        replica.pointee.keys.release()
        replica.pointee.keys = fresh
        replica.pointee.version = current
    }

    func load() -> PublishedKeys { source.load() }

    func publish(_ new: PublishedKeys) {
        source.publish(new)
        // After the source changed, so a thread that sees the new version reads the new state.
        version.wrappingAdd(1, ordering: .releasing)
    }
}

/// The lookup variant chosen by `KeyCacheStrategy.lookup`, as concrete types (no existential
/// dispatch on the hot path).
enum KeyStore: Sendable {
    case snapshot(AtomicSnapshotCell)
    case mutex(MutexSnapshotCell)
    case perThread(PerThreadSnapshotCell)

    init(_ variant: KeyCacheStrategy.LookupVariant, initial: PublishedKeys) {
        switch variant {
        case .snapshot: self = .snapshot(AtomicSnapshotCell(initial))
        case .mutex: self = .mutex(MutexSnapshotCell(initial))
        case .perThread: self = .perThread(PerThreadSnapshotCell(initial))
        }
    }

    @inline(__always)
    func lookup(kid: UnsafeRawBufferPointer?, algorithm: JWSAlgorithm) -> KeyLookup {
        switch self {
        case .snapshot(let cell): return cell.read { $0.lookup(kid: kid, algorithm: algorithm) }
        case .mutex(let cell): return cell.read { $0.lookup(kid: kid, algorithm: algorithm) }
        case .perThread(let cell): return cell.read { $0.lookup(kid: kid, algorithm: algorithm) }
        }
    }

    func load() -> PublishedKeys {
        switch self {
        case .snapshot(let cell): return cell.load()
        case .mutex(let cell): return cell.load()
        case .perThread(let cell): return cell.load()
        }
    }

    func publish(_ new: PublishedKeys) {
        switch self {
        case .snapshot(let cell): cell.publish(new)
        case .mutex(let cell): cell.publish(new)
        case .perThread(let cell): cell.publish(new)
        }
    }
}
