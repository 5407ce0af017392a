import Dispatch
import Foundation
import JOSECrypto
import JWTValidation
import Logging
import Synchronization

import struct NIOConcurrencyHelpers.NIOLock
import struct NIOConcurrencyHelpers.NIOLockedValueBox

/// A remote key set (a JWKS URL or an OIDC issuer) cached by a `KeyCacheStrategy`: runs the
/// strategy's state machine with real fetches and serves `KeyProvider.lookup` from the
/// published snapshot.
///
/// ## Threads and locks
/// - `lookup` (the hot path) reads the published state through the strategy's lookup variant:
///   with `snapshot` (the default) and `per-thread` it takes no lock, allocates nothing and
///   never waits. On a miss for a `kid` it checks a lock-free negative-kid filter and a
///   lock-free cooldown gate; only the one miss per cooldown that opens the gate allocates a
///   small record and signals the refresher (a semaphore post, no lock).
/// - Background work (refresh-ahead, retries, unknown-kid refetches, publishing expiry) runs on
///   one refresher thread started by `start()`; tests leave it off and call `step()`.
/// - `prepareForValidation()` is where the blocking strategies block: `none` fetches on the
///   calling thread for every validation; `ttl` lets the caller that finds the set expired
///   fetch while the others wait (single-flight). With `refresh-ahead` it returns at once
///   once a set was ever loaded. Call it before each validation from worker threads (never
///   from an event loop or a Swift-concurrency task: it may block). Without it, `lookup`
///   alone answers from what was last published, and an expired `ttl` set answers
///   `unavailable` until something prepares.
///
/// Call `shutdown()` when done: it stops the refresher and releases the HTTP client.
public final class RemoteKeyProvider: KeyProvider, Sendable {
    /// The strategy state machine this provider runs.
    public typealias Machine = KeyCacheStateMachine<KeySnapshot>

    /// Where the keys come from.
    public let location: KeySetLocation
    /// How they are cached.
    public let strategy: KeyCacheStrategy
    /// The algorithms verifiers are prepared for.
    public let algorithms: [JWSAlgorithm]

    private let backend: any CryptoBackend
    private let clock: any KeyCacheClock
    private let fetcher: any JWKSFetching
    private let ownsFetcher: Bool
    private let logger: Logger

    private struct State: Sendable {
        var machine: Machine
        /// The document keys behind `machine.keys`, to spot a refetch of the same set.
        var fetchedKeys: [JWK]?
        /// The JWKS URL found by discovery (re-discovered after a failed fetch).
        var jwksURL: String?
        /// Unknown kids whose refetch is running, with their bytes, to test the new set.
        var pending: [UInt64: PendingKid] = [:]
        /// What the negative-kid filter mirrors.
        var mirroredAbsent: [UInt64] = []
        /// Background actions from `start()`, run by the next `step()`.
        var queued: [Machine.Action] = []
        var generation: UInt64 = 0
        var started = false
        /// When a fetch failure was last logged (failures are logged at most once a minute).
        var lastFailureLog: MonotonicInstant?
    }

    // Locks in KeySources and Issuer are NIO's (pthread mutexes), not Synchronization.Mutex:
    // ThreadSanitizer sees pthread locking but not Mutex's futex calls on Linux, and reported
    // every Mutex-guarded access as a race (scripts/tsan.sh). None of them is on the hot path.
    private let state: NIOLockedValueBox<State>
    private let store: KeyStore
    private let negative: NegativeKidFilter?
    /// Mirror of the gate: no unknown-kid signal before this (nanoseconds on `clock`).
    /// `Self.closedBySignal` from the moment a lookup wins the gate until the refresher takes
    /// its kid; `Self.closedByFetch` while a fetch runs.
    private let gateOpensAt = Atomic<Int64>(0)
    private static let closedBySignal = Int64.max
    private static let closedByFetch = Int64.max - 1
    private let pendingKid = Atomic<Unmanaged<PendingKid>?>(nil)
    /// Mirror of `machine.freshUntil`, for the lock-free `ttl` fast path.
    private let freshUntil = Atomic<Int64>(.min)
    private let everLoaded = Atomic<Bool>(false)
    private let generationMirror = Atomic<UInt64>(0)
    /// Fetch completions, and the condition waiters sleep on until it moves.
    private let completions = Atomic<UInt64>(0)
    private let completion = NSCondition()
    private let wake = DispatchSemaphore(value: 0)
    private let stopping = Atomic<Bool>(false)
    private let refresherRunning = Atomic<Bool>(false)
    private let refresherExited = DispatchSemaphore(value: 0)
    private let counterSet = CounterSet()
    private let gateWon: (@Sendable () -> Void)?

    /// A provider for `location` under `strategy`, building verifiers for `algorithms`.
    ///
    /// - Parameters:
    ///   - fetcher: nil makes an `HTTPJWKSFetcher` with the strategy's limits, owned (and shut
    ///     down) by this provider; a fetcher passed in is shared and left running.
    ///   - clock: the time source for TTLs, cooldowns and waits.
    public convenience init(
        location: KeySetLocation, strategy: KeyCacheStrategy, algorithms: [JWSAlgorithm],
        fetcher: (any JWKSFetching)? = nil, backend: any CryptoBackend = OpenSSLBackend(),
        clock: any KeyCacheClock = SystemKeyCacheClock(), logger: Logger = Logger(label: "jwtbench.keysources")
    ) {
        self.init(
            location: location, strategy: strategy, algorithms: algorithms, fetcher: fetcher, backend: backend,
            clock: clock, logger: logger, gateWon: nil)
    }

    /// `gateWon` runs in a lookup that has just closed the unknown-kid gate, before it hands its
    /// kid over: tests use it to run the refresher inside that window.
    init(
        location: KeySetLocation, strategy: KeyCacheStrategy, algorithms: [JWSAlgorithm],
        fetcher: (any JWKSFetching)?, backend: any CryptoBackend, clock: any KeyCacheClock, logger: Logger,
        gateWon: (@Sendable () -> Void)?
    ) {
        self.gateWon = gateWon
        self.location = location
        self.strategy = strategy
        self.algorithms = algorithms
        self.backend = backend
        self.clock = clock
        self.logger = logger
        if let fetcher {
            self.fetcher = fetcher
            ownsFetcher = false
        } else {
            self.fetcher = HTTPJWKSFetcher(limits: strategy.fetch, logger: logger)
            ownsFetcher = true
        }
        state = NIOLockedValueBox(State(machine: Machine(strategy: strategy)))
        store = KeyStore(
            strategy.lookup,
            initial: PublishedKeys(
                snapshot: nil, unavailableReason: "\(location): no key set loaded yet", generation: 0))
        negative = strategy.unknownKid.map { NegativeKidFilter(capacity: $0.negativeCacheCapacity) }
    }

    deinit {
        pendingKid.exchange(nil, ordering: .acquiringAndReleasing)?.release()
    }

    // MARK: KeyProvider (hot path)

    /// Answers from the published snapshot (see the type's documentation for the cost).
    public func lookup(kid: UnsafeRawBufferPointer?, algorithm: JWSAlgorithm) -> KeyLookup {
        let result = store.lookup(kid: kid, algorithm: algorithm)
        if case .notFound = result, let kid, negative != nil {
            noteUnknownKid(kid, algorithm: algorithm)
        }
        return result
    }

    /// The lookup without the unknown-kid side effect (for `KeySourceUnion`, which signals
    /// only when no source has the kid).
    @inline(__always)
    func quietLookup(kid: UnsafeRawBufferPointer?, algorithm: JWSAlgorithm) -> KeyLookup {
        store.lookup(kid: kid, algorithm: algorithm)
    }

    /// A lookup missed `kid`: hand it to the refresher if the gate is open. Lock-free; at
    /// most one caller per gate opening gets past the compare-and-swap.
    func noteUnknownKid(_ kid: UnsafeRawBufferPointer, algorithm: JWSAlgorithm) {
        guard let negative else { return }
        let hash = KidHash.of(kid, algorithm)
        if negative.contains(hash) { return }
        let opensAt = gateOpensAt.load(ordering: .acquiring)
        guard clock.now().nanoseconds >= opensAt else { return }
        // Close the gate until the refresher has decided; it reopens it from the machine.
        guard gateOpensAt.compareExchange(expected: opensAt, desired: Self.closedBySignal, ordering: .acquiringAndReleasing).exchanged
        else {
            return
        }
        gateWon?()
        let record = PendingKid(hash: hash, kid: Array(kid), algorithm: algorithm)
        pendingKid.exchange(Unmanaged.passRetained(record), ordering: .acquiringAndReleasing)?.release()
        counterSet.unknownKidSignals.add(1, ordering: .relaxed)
        wake.signal()
    }

    // MARK: lifecycle

    /// Starts the strategy: `refresh-ahead` begins its first load, and with `background` (the
    /// default) a refresher thread runs background work as it falls due. Idempotent.
    public func start(background: Bool = true) {
        let first = state.withLockedValue { st -> Bool in
            guard !st.started else { return false }
            st.started = true
            let actions = st.machine.start(now: clock.now())
            for case .publish(let view) in actions { publish(view, in: &st) }
            st.queued = actions.filter { if case .startFetch = $0 { return true } else { return false } }
            return true
        }
        guard first, background else { return }
        refresherRunning.store(true, ordering: .releasing)
        let thread = Thread { [self] in refresherLoop() }
        thread.name = "jwtbench-keys-refresher"
        thread.start()
    }

    /// Stops the refresher (after the fetch it may be running) and, if this provider made its
    /// own HTTP client, shuts it down. Blocks; call it from a thread, not an event loop.
    public func shutdown() {
        stopping.store(true, ordering: .releasing)
        if refresherRunning.load(ordering: .acquiring) {
            wake.signal()
            refresherExited.wait()
        }
        if ownsFetcher { fetcher.shutdown() }
    }

    private func refresherLoop() {
        while !stopping.load(ordering: .acquiring) {
            step()
            let now = clock.now()
            let deadline = state.withLockedValue { $0.machine.nextDeadline(now: now) }
            // Wake at the next deadline, or when a lookup or `poke()` signals; never sleep
            // longer than a second so a test clock moved by hand is noticed, and never less
            // than a millisecond so a deadline that is already due cannot make this spin.
            let wait = min(max(deadline.map { $0 - now } ?? .seconds(1), .milliseconds(1)), .seconds(1))
            _ = wake.wait(timeout: .now() + .nanoseconds(Int(wait.nanoseconds)))
        }
        refresherExited.signal()
    }

    /// Wakes the refresher now (after a test moved its clock, for instance).
    public func poke() { wake.signal() }

    /// Runs one round of background work on the calling thread: the actions `start()` queued,
    /// an unknown kid handed over by a lookup, and whatever `tick` finds due. Fetches run
    /// inline. The refresher thread calls this; tests call it directly.
    public func step() {
        let now = clock.now()
        let actions = state.withLockedValue { st -> [Machine.Action] in
            var actions = st.queued
            st.queued = []
            let record = pendingKid.exchange(nil, ordering: .acquiringAndReleasing)?.takeRetainedValue()
            if let record {
                let (_, more) = st.machine.unknownKid(record.hash, now: now)
                if !more.isEmpty { st.pending[record.hash] = record }
                actions += more
            }
            let ticked = st.machine.tick(now: now)
            for case .publish(let view) in ticked { publish(view, in: &st) }
            actions += ticked.filter { if case .startFetch = $0 { return true } else { return false } }
            mirror(&st, tookSignal: record != nil)
            return actions
        }
        for case .startFetch(let reason) in actions {
            runFetch(reason)
        }
    }

    // MARK: validations

    /// Gets keys ready for one validation, blocking where the strategy blocks (see the type's
    /// documentation), and returns how long the caller waited (zero on the fast path).
    @discardableResult
    public func prepareForValidation() -> Duration {
        switch strategy.refresh {
        case .ahead:
            if everLoaded.load(ordering: .acquiring) { return .zero }
        case .onExpiry:
            if clock.now().nanoseconds < freshUntil.load(ordering: .acquiring) { return .zero }
        case .perValidation:
            break
        }
        return prepareSlowly(waitLimit: strategy.fetch.totalTimeout * 2 + .seconds(1))
    }

    /// Loads the first key set now, or waits up to `timeout` for the load `start()` began.
    /// Returns nil once a set is loaded, else why none could be.
    @discardableResult
    public func prime(timeout: Duration = .seconds(10)) -> KeySourceError? {
        let deadline = clock.now() + timeout
        while !everLoaded.load(ordering: .acquiring) {
            // Fetches (cold start), or waits for the fetch in flight, or answers at once.
            prepareSlowly(waitLimit: max(deadline - clock.now(), .milliseconds(1)))
            if everLoaded.load(ordering: .acquiring) { break }
            if let failed = state.withLockedValue({ $0.machine.lastError }) {
                return KeySourceError(source: location.description, kind: .other, message: failed)
            }
            if clock.now() >= deadline {
                return KeySourceError(source: location.description, kind: .timeout, message: "no key set within \(timeout.secondsText)")
            }
        }
        return nil
    }

    /// Asks the machine once, then fetches (as leader or for `none`) or waits for the running
    /// fetch; never loops, so a validation takes part in at most one fetch.
    @discardableResult
    private func prepareSlowly(waitLimit: Duration) -> Duration {
        // Without a refresher thread, work `start()` queued (the cold-start load) would never
        // run and this caller would wait for it in vain: run it here.
        if !refresherRunning.load(ordering: .acquiring) && state.withLockedValue({ !$0.queued.isEmpty }) { step() }
        let started = clock.now()
        let seen = completions.load(ordering: .acquiring)
        let action = state.withLockedValue { st -> Machine.ValidationAction in
            let action = st.machine.validationNeedsKeys(now: started)
            mirror(&st)
            return action
        }
        switch action {
        case .proceed, .answerUnavailable:
            return .zero
        case .fetchAndWait(let reason):
            runFetch(reason)
        case .wait:
            let until = Date(timeIntervalSinceNow: Double(waitLimit.nanoseconds) / 1e9)
            completion.lock()
            while completions.load(ordering: .acquiring) == seen {
                if !completion.wait(until: until) { break }
            }
            completion.unlock()
        }
        let waited = clock.now() - started
        counterSet.waits.add(1, ordering: .relaxed)
        counterSet.waitNanoseconds.add(waited.nanoseconds, ordering: .relaxed)
        return waited
    }

    // MARK: fetching

    private struct Loaded: Sendable {
        let fetched: FetchedKeySet
        let snapshot: KeySnapshot
        let changed: Bool
    }

    /// Fetches, builds the snapshot off the lock, reports to the machine and wakes waiters.
    private func runFetch(_ reason: Machine.FetchReason) {
        counterSet.fetchStarted(reason)
        let outcome = load()
        let now = clock.now()
        state.withLockedValue { st in
            let actions: [Machine.Action]
            switch outcome {
            case .success(let loaded):
                if st.machine.consecutiveFailures > 0 {
                    logger.info("key set \(location) fetched again after \(st.machine.consecutiveFailures) failure(s)")
                }
                let pending = st.pending
                actions = st.machine.fetchSucceeded(
                    reason, keys: loaded.snapshot, changed: loaded.changed, maxAge: loaded.fetched.maxAge, now: now,
                    stillUnknown: { hash in
                        guard let record = pending[hash] else { return true }
                        let found = record.kid.withUnsafeBytes { kid -> Bool in
                            if case .found = loaded.snapshot.lookup(kid: kid, algorithm: record.algorithm) { return true }
                            return false
                        }
                        return !found
                    })
                st.fetchedKeys = loaded.fetched.keys
            case .failure(let error):
                counterSet.failures.add(1, ordering: .relaxed)
                if [.notJSON, .notAKeySet, .noUsableKey].contains(error.kind) {
                    counterSet.rejected.add(1, ordering: .relaxed)
                }
                actions = st.machine.fetchFailed(reason, error: error.description, now: now)
                // The first failure in a row, then one line a minute: `none` during an outage
                // fails every validation, and a log line per request would be the bottleneck.
                if st.machine.consecutiveFailures == 1 || st.lastFailureLog.map({ now - $0 >= .seconds(60) }) ?? true {
                    logger.warning(
                        "key set \(location) not refreshed (\(reason.rawValue), \(st.machine.consecutiveFailures) failure(s) in a row): \(error)"
                    )
                    st.lastFailureLog = now
                }
            }
            if reason == .unknownKid { st.pending = [:] }
            for case .publish(let view) in actions { publish(view, in: &st) }
            mirror(&st)
        }
        completions.add(1, ordering: .acquiringAndReleasing)
        completion.lock()
        completion.broadcast()
        completion.unlock()
    }

    /// One fetch, on the calling thread (it blocks while the HTTP client works), and the
    /// snapshot it yields. A set with no usable key is a failure: it must never replace a
    /// good one.
    private func load() -> Result<Loaded, KeySourceError> {
        switch fetchOnce() {
        case .failure(let error):
            return .failure(error)
        case .success(let set):
            let (same, current) = state.withLockedValue { ($0.fetchedKeys == set.keys, $0.machine.keys) }
            if same, let current {
                return .success(Loaded(fetched: set, snapshot: current, changed: false))
            }
            let snapshot = KeySnapshot(
                keys: set.keys, algorithms: algorithms, backend: backend, loadedAt: clock.wallSeconds(),
                reusing: current)
            let skipped = set.skipped + snapshot.skipped.map { SkippedKey(kid: $0.kid, reason: $0.reason) }
            guard !snapshot.keys.isEmpty else {
                // Reported through the (rate-limited) failure log, with the first reasons.
                let reasons = skipped.prefix(3).map(\.description).joined(separator: "; ")
                return .failure(
                    KeySourceError(
                        source: set.url, kind: .noUsableKey,
                        message: "no usable key among \(set.keys.count + set.skipped.count) (\(reasons))"))
            }
            // Logged once per accepted set that changed, not per fetch.
            for key in skipped { logger.warning("key set \(set.url): skipped \(key)") }
            counterSet.skipped.add(skipped.count, ordering: .relaxed)
            return .success(Loaded(fetched: set, snapshot: snapshot, changed: true))
        }
    }

    private func fetchOnce() -> Result<FetchedKeySet, KeySourceError> {
        do throws(KeySourceError) {
            switch location {
            case .jwks(let url):
                return .success(try fetcher.fetchKeySet(from: url))
            case .discovery(let issuer):
                var url = state.withLockedValue { $0.jwksURL }
                if url == nil {
                    let found = try fetcher.discoverJWKSURL(issuer: issuer)
                    state.withLockedValue { $0.jwksURL = found }
                    url = found
                }
                do throws(KeySourceError) {
                    return .success(try fetcher.fetchKeySet(from: url!))
                } catch {
                    // The issuer may have moved its keys: discover again next time.
                    state.withLockedValue { $0.jwksURL = nil }
                    throw error
                }
            }
        } catch {
            return .failure(error)
        }
    }

    // MARK: publication

    /// Makes `view` what lookups see. Called under the state lock, so publications are
    /// applied in the machine's order.
    private func publish(_ view: Machine.View, in st: inout State) {
        st.generation &+= 1
        let published: PublishedKeys
        switch view {
        case .fresh(let snapshot):
            published = PublishedKeys(snapshot: snapshot, unavailableReason: "", generation: st.generation)
        case .stale(let snapshot):
            published = PublishedKeys(snapshot: snapshot, unavailableReason: "", generation: st.generation, isStale: true)
        case .nothing(let why), .unavailable(let why):
            published = PublishedKeys(snapshot: nil, unavailableReason: "\(location): \(why)", generation: st.generation)
        }
        store.publish(published)
        generationMirror.store(st.generation, ordering: .releasing)
        counterSet.publications.add(1, ordering: .relaxed)
    }

    /// Copies what the lock-free paths need out of the machine. `tookSignal`: this critical
    /// section took the kid of the lookup that closed the gate, so the gate is the machine's
    /// again. Otherwise a gate closed by a signal stays closed: that lookup has won the gate
    /// but may not have handed its kid over yet, and reopening it now would let a second
    /// lookup signal within the same cooldown.
    private func mirror(_ st: inout State, tookSignal: Bool = false) {
        freshUntil.store(st.machine.freshUntil?.nanoseconds ?? .min, ordering: .releasing)
        everLoaded.store(st.machine.keys != nil, ordering: .releasing)
        guard let gate = st.machine.gate else { return }
        let absent = gate.knownAbsent
        if absent != st.mirroredAbsent {
            negative?.replace(with: absent)
            st.mirroredAbsent = absent
        }
        let opensAt = st.machine.fetchInFlight != nil ? Self.closedByFetch : gate.refetchAllowedAt.nanoseconds
        if tookSignal {
            // Nothing can close the gate meanwhile: it is `closedBySignal` until this store.
            gateOpensAt.store(opensAt, ordering: .releasing)
            return
        }
        var current = gateOpensAt.load(ordering: .acquiring)
        while current != Self.closedBySignal {
            let (exchanged, found) = gateOpensAt.compareExchange(expected: current, desired: opensAt, ordering: .acquiringAndReleasing)
            if exchanged { return }
            current = found
        }
    }

    // MARK: observation

    /// What this provider did so far.
    public var counters: KeyCacheCounters { counterSet.snapshot }

    /// How many kids the negative cache remembers as absent (at most `negative_cache_size`,
    /// however many distinct unknown kids arrive).
    public var knownAbsentKidCount: Int { state.withLockedValue { $0.machine.gate?.knownAbsent.count ?? 0 } }

    /// Bumped on every publication; a verified-token cache entry is valid only for the
    /// generation it was verified under.
    public var generation: UInt64 { generationMirror.load(ordering: .acquiring) }

    /// What lookups currently see.
    public var published: PublishedKeys { store.load() }
}
