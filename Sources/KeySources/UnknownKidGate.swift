/// Decides whether an unknown `kid` may trigger a JWKS refetch: at most one refetch per
/// cooldown, and never for a kid already found absent after a refetch (a bounded negative
/// cache). Pure: no clock, no I/O, no lock.
///
/// Why both: the cooldown alone caps a flood of random kids at one fetch per cooldown (the
/// go-oidc and lua-resty-openidc amplification bug); the negative cache keeps a handful of
/// bogus kids that repeat from using up the one refetch the next genuinely new key needs
/// (auth0 jwks-rsa-java's rate limiter starving real traffic).
public struct UnknownKidGate: Sendable {
    /// What `consider` decided.
    public enum Verdict: Sendable, Hashable {
        /// Refetch now; the gate is closed for one cooldown.
        case refetch
        /// A refetch already showed this kid absent: no fetch.
        case knownAbsent
        /// A refetch happened less than a cooldown ago: no fetch before `until`.
        case coolingDown(until: MonotonicInstant)
        /// A fetch is running; it may bring the key.
        case fetchInFlight
    }

    /// At most one refetch per this long.
    public let cooldown: Duration
    /// The most kids remembered as absent; the oldest is forgotten first.
    public let capacity: Int
    /// When the last unknown-kid refetch was allowed.
    public private(set) var lastRefetchAt: MonotonicInstant?
    /// Kids whose refetch is running (to remember them if it does not bring them).
    public private(set) var pending: [UInt64] = []

    private var absent: Set<UInt64> = []
    /// Insertion order of `absent`, a ring: `order[(head + i) % capacity]`.
    private var order: [UInt64] = []
    private var head = 0

    /// A gate with the given cooldown and negative-cache capacity (at least 1).
    public init(cooldown: Duration, capacity: Int) {
        self.cooldown = cooldown
        self.capacity = max(1, capacity)
    }

    /// The earliest instant a refetch can be allowed again.
    public var refetchAllowedAt: MonotonicInstant {
        lastRefetchAt.map { $0 + cooldown } ?? .zero
    }

    /// Whether a refetch already showed `kid` absent.
    @_spi(Testing) public func isKnownAbsent(_ kid: UInt64) -> Bool { absent.contains(kid) }

    /// The kids remembered as absent, oldest first.
    public var knownAbsent: [UInt64] {
        (0..<order.count).map { order[(head + $0) % order.count] }
    }

    /// An unknown `kid` was seen at `now`.
    public mutating func consider(_ kid: UInt64, now: MonotonicInstant, fetchInFlight: Bool) -> Verdict {
        if absent.contains(kid) { return .knownAbsent }
        if fetchInFlight { return .fetchInFlight }
        if let last = lastRefetchAt, now < last + cooldown { return .coolingDown(until: last + cooldown) }
        lastRefetchAt = now
        pending = [kid]
        return .refetch
    }

    /// A refetch finished with a new set: the pending kids it still lacks are remembered.
    public mutating func refetchSucceeded(stillUnknown: (UInt64) -> Bool) {
        for kid in pending where stillUnknown(kid) { remember(kid) }
        pending = []
    }

    /// A refetch failed: nothing was learnt about the pending kids.
    public mutating func refetchFailed() { pending = [] }

    /// A scheduled refresh replaced the set: what was absent may now exist.
    public mutating func forgetAbsent() {
        absent.removeAll(keepingCapacity: true)
        order.removeAll(keepingCapacity: true)
        head = 0
    }

    private mutating func remember(_ kid: UInt64) {
        guard absent.insert(kid).inserted else { return }
        if order.count < capacity {
            order.append(kid)
        } else {
            absent.remove(order[head])
            order[head] = kid
            head = (head + 1) % capacity
        }
    }
}
