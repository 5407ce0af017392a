import Synchronization

/// What a `RemoteKeyProvider` did, for reports: the load it put on the identity provider and
/// the time validations spent waiting for it.
public struct KeyCacheCounters: Sendable, Hashable, CustomStringConvertible {
    /// Fetch attempts started, whatever their outcome.
    public var fetches: Int
    /// Attempts per reason (`cold-start`, `expired`, `refresh-ahead`, `unknown-kid`, `retry`,
    /// `per-validation`).
    public var fetchesByReason: [String: Int]
    /// Attempts that brought no usable set (network, status, body, or no usable key).
    public var fetchFailures: Int
    /// Of those, sets that arrived but were refused (not JSON, no keys, no usable key).
    public var rejectedKeySets: Int
    /// Keys left out of accepted sets, counted once per set that changed.
    public var skippedKeys: Int
    /// Validations that waited for a fetch (their own or another's).
    public var waits: Int
    /// Total time those validations waited.
    public var waitTime: Duration
    /// Unknown kids that opened the refetch gate (at most one per cooldown).
    public var unknownKidSignals: Int
    /// States published to lookups.
    public var publications: Int

    /// All zero.
    public init() {
        fetches = 0
        fetchesByReason = [:]
        fetchFailures = 0
        rejectedKeySets = 0
        skippedKeys = 0
        waits = 0
        waitTime = .zero
        unknownKidSignals = 0
        publications = 0
    }

    /// One line for logs.
    public var description: String {
        let reasons = fetchesByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return
            "\(fetches) fetches (\(reasons)), \(fetchFailures) failed (\(rejectedKeySets) refused sets), \(waits) waits totalling \(waitTime.secondsText), \(unknownKidSignals) unknown-kid signals"
    }
}

/// The live counters: relaxed atomics, touched off the hot path only (fetches, waits, gate
/// openings), so they cost the found-key lookup nothing.
final class CounterSet: Sendable {
    typealias Reason = KeyFetchReason
    let coldStart = Atomic<Int>(0)
    let expired = Atomic<Int>(0)
    let refreshAhead = Atomic<Int>(0)
    let unknownKid = Atomic<Int>(0)
    let retry = Atomic<Int>(0)
    let perValidation = Atomic<Int>(0)
    let failures = Atomic<Int>(0)
    let rejected = Atomic<Int>(0)
    let skipped = Atomic<Int>(0)
    let waits = Atomic<Int>(0)
    let waitNanoseconds = Atomic<Int64>(0)
    let unknownKidSignals = Atomic<Int>(0)
    let publications = Atomic<Int>(0)

    func fetchStarted(_ reason: Reason) {
        switch reason {
        case .coldStart: coldStart.add(1, ordering: .relaxed)
        case .expired: expired.add(1, ordering: .relaxed)
        case .refreshAhead: refreshAhead.add(1, ordering: .relaxed)
        case .unknownKid: unknownKid.add(1, ordering: .relaxed)
        case .retry: retry.add(1, ordering: .relaxed)
        case .perValidation: perValidation.add(1, ordering: .relaxed)
        }
    }

    var snapshot: KeyCacheCounters {
        var c = KeyCacheCounters()
        let pairs: [(Reason, Int)] = [
            (.coldStart, coldStart.load(ordering: .relaxed)), (.expired, expired.load(ordering: .relaxed)),
            (.refreshAhead, refreshAhead.load(ordering: .relaxed)), (.unknownKid, unknownKid.load(ordering: .relaxed)),
            (.retry, retry.load(ordering: .relaxed)), (.perValidation, perValidation.load(ordering: .relaxed)),
        ]
        for (reason, count) in pairs where count > 0 { c.fetchesByReason[reason.rawValue] = count }
        c.fetches = pairs.reduce(0) { $0 + $1.1 }
        c.fetchFailures = failures.load(ordering: .relaxed)
        c.rejectedKeySets = rejected.load(ordering: .relaxed)
        c.skippedKeys = skipped.load(ordering: .relaxed)
        c.waits = waits.load(ordering: .relaxed)
        c.waitTime = .nanoseconds(waitNanoseconds.load(ordering: .relaxed))
        c.unknownKidSignals = unknownKidSignals.load(ordering: .relaxed)
        c.publications = publications.load(ordering: .relaxed)
        return c
    }
}
