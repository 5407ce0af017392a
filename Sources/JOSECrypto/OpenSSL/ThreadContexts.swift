import COpenSSL
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Per-thread OpenSSL operation contexts, so that the hot path neither locks nor sets up a
/// context per call.
///
/// An `EVP_PKEY_CTX` (or `EVP_MAC_CTX`) may not be used by two threads at once, but setting one
/// up costs a provider lookup and several allocations (ANCHORS.md: 19.5 µs reused against
/// 23.2 µs fresh for RS256). Each thread therefore keeps a small table of contexts keyed by the
/// verifier's unique id. Ids are never reused, so a context can never be applied to a key other
/// than the one it was made for, even after that verifier is gone. The table is bounded: a
/// thread that cycles through more keys than it has slots just rebuilds contexts.
final class ThreadContexts {
    enum Kind: UInt8 { case pkey, mac }

    struct Slot {
        var id: UInt64
        var context: OpaquePointer?
        var kind: Kind
    }

    static let slotCount = 32

    // Raw memory rather than Swift arrays: no uniqueness or exclusivity checks on the hot path,
    // and only this thread ever touches it.
    private let slots: UnsafeMutablePointer<Slot>
    private var nextVictim = 0
    /// This thread's bignum scratch space (`OpenSSLRSAPKCS1Verifier`): a `BN_CTX` keeps its
    /// bignums between `BN_CTX_start` and `BN_CTX_end`, so a warm one allocates nothing.
    private var bignums: OpaquePointer?
    /// This thread's P-256 point (`P256TableVerifier`'s general path), made on first use.
    private var p256: OpaquePointer?

    private init() {
        slots = .allocate(capacity: Self.slotCount)
        slots.initialize(repeating: Slot(id: 0, context: nil, kind: .pkey), count: Self.slotCount)
    }

    deinit {
        for i in 0..<Self.slotCount { Self.free(slots[i]) }
        slots.deallocate()
        if let bignums { BN_CTX_free(bignums) }
        if let p256 { EC_POINT_free(p256) }
    }

    private static func free(_ slot: Slot) {
        guard let c = slot.context else { return }
        switch slot.kind {
        case .pkey: EVP_PKEY_CTX_free(c)
        case .mac: EVP_MAC_CTX_free(c)
        }
    }

    /// The context for verifier `id`, made by `make` on this thread's first use.
    @inline(__always)
    func context(for id: UInt64, kind: Kind, make: () -> OpaquePointer?) -> OpaquePointer? {
        for i in 0..<Self.slotCount where slots[i].id == id {
            return slots[i].context
        }
        guard let made = make() else { return nil }
        let victim = nextVictim
        nextVictim = (nextVictim + 1) % Self.slotCount
        Self.free(slots[victim])
        slots[victim] = Slot(id: id, context: made, kind: kind)
        return made
    }

    /// Drops this thread's context for `id` (after a failure left it in an unknown state).
    func evict(_ id: UInt64) {
        for i in 0..<Self.slotCount where slots[i].id == id {
            Self.free(slots[i])
            slots[i] = Slot(id: 0, context: nil, kind: .pkey)
        }
    }

    /// This thread's `BN_CTX`, shared by every key (a verify leaves it as it found it).
    @inline(__always)
    func bignumContext() -> OpaquePointer? {
        if let bignums { return bignums }
        bignums = BN_CTX_new()
        return bignums
    }

    /// This thread's scratch point on P-256 (`group`: the one standard P-256 group).
    @inline(__always)
    func p256Point(_ group: OpaquePointer) -> OpaquePointer? {
        if let p256 { return p256 }
        p256 = EC_POINT_new(group)
        return p256
    }

    // MARK: thread-local storage

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let rc = pthread_key_create(&key) { raw in
            guard let raw else { return }
            Unmanaged<ThreadContexts>.fromOpaque(raw).release()
        }
        precondition(rc == 0, "pthread_key_create failed: \(rc)")
        return key
    }()

    /// The calling thread's table, created on first use and freed when the thread exits.
    @inline(__always)
    static var current: ThreadContexts {
        if let raw = pthread_getspecific(key) {
            return Unmanaged<ThreadContexts>.fromOpaque(raw).takeUnretainedValue()
        }
        let made = ThreadContexts()
        pthread_setspecific(key, Unmanaged.passRetained(made).toOpaque())
        return made
    }

    private static let ids = Atomic<UInt64>(1)

    /// A process-unique id for a new verifier or signer.
    static func nextID() -> UInt64 {
        ids.wrappingAdd(1, ordering: .relaxed).oldValue
    }
}
