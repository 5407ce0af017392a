/// The key-cache strategies as one small, pure state machine (after async-http-client's
/// `HTTP1ConnectionStateMachine`): events in (time passes, a validation needs keys, an unknown
/// `kid`, a fetch succeeded or failed), actions out (start a fetch, publish what lookups
/// should see, wait, answer unavailable). No clock, no I/O, no lock: `RemoteKeyProvider`
/// drives it, and tests drive it with made-up instants.
///
/// Generic over the key set so that tests need no keys; the provider uses `KeySnapshot`.
/// Each strategy of `KeyCacheStrategy` is a configuration of this machine: the refresh mode
/// decides who fetches and who waits, `unknownKid` adds the refetch gate, `maxStale` the
/// stale-if-error window.
public struct KeyCacheStateMachine<Keys: Sendable>: Sendable {
    /// Why a fetch starts.
    public typealias FetchReason = KeyFetchReason

    /// What lookups should see now.
    public enum View: Sendable {
        /// Nothing was ever loaded; the text says why.
        case nothing(String)
        /// The set is within its TTL.
        case fresh(Keys)
        /// Past its TTL but still served (stale-if-error, or the window before a ttl refetch).
        case stale(Keys)
        /// Past any use; the text says why.
        case unavailable(String)

        /// The keys, when lookups may use them.
        public var keys: Keys? {
            switch self {
            case .fresh(let k), .stale(let k): return k
            case .nothing, .unavailable: return nil
            }
        }
    }

    /// Work for the driver.
    public enum Action: Sendable {
        /// Fetch in the background, then report `fetchSucceeded` or `fetchFailed` with `reason`.
        case startFetch(FetchReason)
        /// Make this what lookups see (only when it changed).
        case publish(View)
    }

    /// What a validation that needs keys should do (`validationNeedsKeys`).
    public enum ValidationAction: Sendable {
        /// Validate with what is published.
        case proceed
        /// This caller fetches (the single-flight leader), reports, then asks again.
        case fetchAndWait(FetchReason)
        /// A fetch is in flight: wait for it to finish, then ask again.
        case wait
        /// No usable keys and no fetch to wait for: lookups answer `unavailable`.
        case answerUnavailable(String)
    }

    /// The configuration this machine runs.
    public let strategy: KeyCacheStrategy
    /// The last good key set.
    public private(set) var keys: Keys?
    /// Bumped whenever `keys` changes content (a refetch of an identical set keeps it).
    public private(set) var keysVersion: UInt64 = 0
    /// When the last good set arrived.
    public private(set) var loadedAt: MonotonicInstant?
    /// When `keys` stops being fresh.
    public private(set) var freshUntil: MonotonicInstant?
    /// The single-flight fetch running now, if any (per-validation fetches are not tracked).
    public private(set) var fetchInFlight: FetchReason?
    /// No new attempt before this, after a failure.
    public private(set) var retryAt: MonotonicInstant?
    /// The last fetch failure, cleared by a success.
    public private(set) var lastError: String?
    /// Failures since the last success.
    public private(set) var consecutiveFailures = 0
    /// The unknown-kid gate, when the strategy refetches on unknown kids.
    public private(set) var gate: UnknownKidGate?
    /// What was last published, to publish only changes.
    private var published: Published?
    private struct Published: Sendable, Equatable {
        var kind: Int
        var version: UInt64
        var reason: String?
    }
    private var started = false

    /// A machine for `strategy`, with nothing loaded.
    public init(strategy: KeyCacheStrategy) {
        self.strategy = strategy
        gate = strategy.unknownKid.map { UnknownKidGate(cooldown: $0.cooldown, capacity: $0.negativeCacheCapacity) }
    }

    // MARK: events

    /// The provider starts: `refresh-ahead` loads at once; `ttl` and `none` load on first need.
    public mutating func start(now: MonotonicInstant) -> [Action] {
        started = true
        var actions: [Action] = []
        if strategy.refresh == .ahead, keys == nil, fetchInFlight == nil {
            fetchInFlight = .coldStart
            actions.append(.startFetch(.coldStart))
        }
        if let publish = publishIfChanged(now: now) { actions.append(publish) }
        return actions
    }

    /// Time passed (the driver calls this at `nextDeadline` and whenever it wakes).
    public mutating func tick(now: MonotonicInstant) -> [Action] {
        var actions: [Action] = []
        if strategy.refresh == .ahead, started, fetchInFlight == nil, retryAt.map({ now >= $0 }) ?? true {
            if keys == nil {
                fetchInFlight = .retry
                actions.append(.startFetch(.retry))
            } else if let due = refreshDue, now >= due {
                let reason: FetchReason = consecutiveFailures > 0 ? .retry : .refreshAhead
                fetchInFlight = reason
                actions.append(.startFetch(reason))
            }
        }
        if let publish = publishIfChanged(now: now) { actions.append(publish) }
        return actions
    }

    /// A validation is about to look keys up. Only `none` and `ttl` ever make it wait or
    /// fetch once a set is loaded; `refresh-ahead` waits only for the very first set.
    public mutating func validationNeedsKeys(now: MonotonicInstant) -> ValidationAction {
        switch strategy.refresh {
        case .perValidation:
            return .fetchAndWait(.perValidation)
        case .onExpiry:
            if let fresh = freshUntil, now < fresh { return .proceed }
            if fetchInFlight != nil { return .wait }
            if let retry = retryAt, now < retry { return serving(now: now) }
            let reason: FetchReason = keys == nil ? .coldStart : .expired
            fetchInFlight = reason
            return .fetchAndWait(reason)
        case .ahead:
            if keys != nil { return serving(now: now) }
            if fetchInFlight != nil { return .wait }
            if let retry = retryAt, now < retry { return serving(now: now) }
            fetchInFlight = .coldStart
            return .fetchAndWait(.coldStart)
        }
    }

    /// A lookup found no key for `kid` (a hash of the kid and algorithm) at `now`.
    public mutating func unknownKid(_ kid: UInt64, now: MonotonicInstant) -> (UnknownKidGate.Verdict?, [Action]) {
        // Before the first set, the cold-start load is the refetch.
        guard var gate, keys != nil, strategy.refresh != .perValidation else { return (nil, []) }
        let verdict = gate.consider(kid, now: now, fetchInFlight: fetchInFlight != nil)
        self.gate = gate
        guard verdict == .refetch else { return (verdict, []) }
        fetchInFlight = .unknownKid
        return (verdict, [.startFetch(.unknownKid)])
    }

    /// A fetch for `reason` brought a usable set. `changed` is false when it equals the
    /// current one; `maxAge` is the response's `Cache-Control: max-age`; `stillUnknown` says
    /// whether a pending unknown kid is still absent from `keys`.
    public mutating func fetchSucceeded(
        _ reason: FetchReason, keys newKeys: Keys, changed: Bool = true, maxAge: Duration? = nil,
        now: MonotonicInstant, stillUnknown: (UInt64) -> Bool = { _ in true }
    ) -> [Action] {
        if reason != .perValidation { fetchInFlight = nil }
        if changed || keys == nil { keysVersion &+= 1 }
        keys = newKeys
        loadedAt = now
        freshUntil = now + strategy.timeToLive(maxAge: maxAge)
        retryAt = nil
        lastError = nil
        consecutiveFailures = 0
        if var gate {
            if reason == .unknownKid {
                gate.refetchSucceeded(stillUnknown: stillUnknown)
            } else {
                // A scheduled load: kids found absent before may have been published since.
                gate.refetchFailed()
                gate.forgetAbsent()
            }
            self.gate = gate
        }
        return publishIfChanged(now: now).map { [$0] } ?? []
    }

    /// A fetch for `reason` failed (network, HTTP status, or a set that is not usable). The
    /// last good set is never dropped here; whether it is still served depends on time.
    public mutating func fetchFailed(_ reason: FetchReason, error: String, now: MonotonicInstant) -> [Action] {
        if reason != .perValidation { fetchInFlight = nil }
        lastError = error
        consecutiveFailures += 1
        retryAt = strategy.retryInterval > .zero ? now + strategy.retryInterval : nil
        if reason == .unknownKid { gate?.refetchFailed() }
        return publishIfChanged(now: now).map { [$0] } ?? []
    }

    // MARK: derived state

    /// What lookups should see at `now`.
    public func view(now: MonotonicInstant) -> View {
        if strategy.refresh == .perValidation {
            if let lastError { return .unavailable("JWKS fetch failed: \(lastError)") }
            if let keys { return .fresh(keys) }
            return .nothing("no JWKS fetched yet")
        }
        guard let keys, let fresh = freshUntil else {
            if let lastError { return .nothing("no key set loaded yet; the JWKS fetch failed: \(lastError)") }
            return .nothing("no key set loaded yet")
        }
        if now < fresh { return .fresh(keys) }
        if let maxStale = strategy.maxStale, now < fresh + maxStale { return .stale(keys) }
        if strategy.refresh == .onExpiry && lastError == nil {
            // The expired set is not served, but nothing has failed either: the next
            // validation refetches (and waits for it).
            return .unavailable("the key set expired and awaits a refetch")
        }
        var why = "the key set expired"
        if let maxStale = strategy.maxStale { why += " (stale use allowed for \(maxStale.secondsText))" }
        if let lastError { why += "; the JWKS fetch failed: \(lastError)" }
        return .unavailable(why)
    }

    /// When the background refresh of the current set is due (`refresh-ahead` only).
    public var refreshDue: MonotonicInstant? {
        guard strategy.refresh == .ahead, let loadedAt, let freshUntil else { return nil }
        let ttl = freshUntil - loadedAt
        return freshUntil - strategy.refreshLead(ttl: ttl)
    }

    /// The next instant at which `tick` has something to do, if any: a background fetch
    /// falling due (possibly already past, when it is waiting only for the driver), or the
    /// set turning stale or unusable.
    public func nextDeadline(now: MonotonicInstant) -> MonotonicInstant? {
        var candidates: [MonotonicInstant] = []
        if strategy.refresh == .ahead, started, fetchInFlight == nil {
            if keys == nil {
                candidates.append(retryAt ?? now)
            } else if let due = refreshDue {
                candidates.append(max(due, retryAt ?? due))
            }
        }
        if let fresh = freshUntil {
            if fresh > now { candidates.append(fresh) }
            if let maxStale = strategy.maxStale, fresh + maxStale > now { candidates.append(fresh + maxStale) }
        }
        return candidates.min()
    }

    private func serving(now: MonotonicInstant) -> ValidationAction {
        switch view(now: now) {
        case .fresh, .stale: return .proceed
        case .nothing(let why), .unavailable(let why): return .answerUnavailable(why)
        }
    }

    private mutating func publishIfChanged(now: MonotonicInstant) -> Action? {
        let current = view(now: now)
        let signature: Published
        switch current {
        case .nothing(let why): signature = Published(kind: 0, version: keysVersion, reason: why)
        case .fresh: signature = Published(kind: 1, version: keysVersion, reason: nil)
        case .stale: signature = Published(kind: 2, version: keysVersion, reason: nil)
        case .unavailable(let why): signature = Published(kind: 3, version: keysVersion, reason: why)
        }
        guard signature != published else { return nil }
        published = signature
        return .publish(current)
    }
}

/// Why a key-set fetch starts (counted per reason in reports).
public enum KeyFetchReason: String, Sendable, Hashable, CaseIterable {
    /// The first load.
    case coldStart = "cold-start"
    /// A validation found the set expired (`ttl`).
    case expired
    /// The background refresh before expiry (`refresh-ahead`).
    case refreshAhead = "refresh-ahead"
    /// An unknown kid opened the refetch gate.
    case unknownKid = "unknown-kid"
    /// A background attempt after a failure.
    case retry
    /// `none`: one fetch per validation.
    case perValidation = "per-validation"
}
