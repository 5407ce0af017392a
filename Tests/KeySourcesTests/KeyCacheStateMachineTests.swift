import JWTValidation
@_spi(Testing) import KeySources
import Policy
import Testing

/// The strategies as pure state machines: made-up instants, string "key sets", no I/O.
@Suite struct KeyCacheStateMachineTests {
    typealias Machine = KeyCacheStateMachine<String>

    static let t0 = MonotonicInstant(nanoseconds: 1_000_000_000_000)

    static func strategy(_ name: String, _ options: [String: String] = [:]) throws -> KeyCacheStrategy {
        try KeyCacheStrategy(settings: KeyCacheSettings(strategy: name, options: options))
    }

    static func fetches(_ actions: [Machine.Action]) -> [KeyFetchReason] {
        actions.compactMap { if case .startFetch(let r) = $0 { return r } else { return nil } }
    }

    static func published(_ actions: [Machine.Action]) -> [Machine.View] {
        actions.compactMap { if case .publish(let v) = $0 { return v } else { return nil } }
    }

    static func isProceed(_ a: Machine.ValidationAction) -> Bool { if case .proceed = a { return true } else { return false } }
    static func isWait(_ a: Machine.ValidationAction) -> Bool { if case .wait = a { return true } else { return false } }
    static func isUnavailable(_ a: Machine.ValidationAction) -> Bool {
        if case .answerUnavailable = a { return true } else { return false }
    }
    static func leads(_ a: Machine.ValidationAction) -> KeyFetchReason? {
        if case .fetchAndWait(let r) = a { return r } else { return nil }
    }

    @Test func noneFetchesForEveryValidation() throws {
        var m = Machine(strategy: try Self.strategy("none"))
        #expect(Self.fetches(m.start(now: Self.t0)).isEmpty)
        for i in 0..<3 {
            #expect(Self.leads(m.validationNeedsKeys(now: Self.t0 + .seconds(i))) == .perValidation)
        }
        _ = m.fetchSucceeded(.perValidation, keys: "A", now: Self.t0)
        #expect(m.view(now: Self.t0).keys == "A")
        // Still a fetch per validation once loaded.
        #expect(Self.leads(m.validationNeedsKeys(now: Self.t0)) == .perValidation)
        let failed = m.fetchFailed(.perValidation, error: "HTTP 503", now: Self.t0)
        guard case .unavailable(let why)? = Self.published(failed).last else {
            Issue.record("a failed fetch must publish unavailable")
            return
        }
        #expect(why.contains("503"))
    }

    @Test func ttlIsSingleFlightAndRefetchesOnExpiry() throws {
        var m = Machine(strategy: try Self.strategy("ttl", ["refresh_interval": "60"]))
        #expect(Self.fetches(m.start(now: Self.t0)).isEmpty)  // ttl loads lazily
        #expect(Self.leads(m.validationNeedsKeys(now: Self.t0)) == .coldStart)
        // Everyone else waits for the leader: one fetch, however many validations.
        for _ in 0..<100 { #expect(Self.isWait(m.validationNeedsKeys(now: Self.t0))) }
        let actions = m.fetchSucceeded(.coldStart, keys: "A", now: Self.t0 + .milliseconds(20))
        #expect(Self.published(actions).first?.keys == "A")
        #expect(Self.isProceed(m.validationNeedsKeys(now: Self.t0 + .seconds(59))))
        // Expired: the next validation leads a refetch, the others wait.
        let later = Self.t0 + .seconds(61)
        #expect(Self.leads(m.validationNeedsKeys(now: later)) == .expired)
        #expect(Self.isWait(m.validationNeedsKeys(now: later)))
        // ttl keeps no stale set: a failure leaves nothing to serve.
        let failed = m.fetchFailed(.expired, error: "HTTP 503", now: later)
        guard case .unavailable? = Self.published(failed).last else {
            Issue.record("an expired ttl set whose refetch failed must become unavailable")
            return
        }
        // No memory of failures in plain ttl: the next validation tries again.
        #expect(Self.leads(m.validationNeedsKeys(now: later)) == .expired)
    }

    @Test func refreshAheadNeverMakesValidationsWaitOnceLoaded() throws {
        var m = Machine(strategy: try Self.strategy("refresh-ahead", ["refresh_interval": "100", "refresh_ahead": "10"]))
        #expect(Self.fetches(m.start(now: Self.t0)) == [.coldStart])
        #expect(Self.isWait(m.validationNeedsKeys(now: Self.t0)))  // only the very first set is waited for
        _ = m.fetchSucceeded(.coldStart, keys: "A", now: Self.t0)
        #expect(Self.fetches(m.tick(now: Self.t0 + .seconds(89))).isEmpty)
        #expect(m.nextDeadline(now: Self.t0 + .seconds(89)) == Self.t0 + .seconds(90))
        #expect(Self.fetches(m.tick(now: Self.t0 + .seconds(90))) == [.refreshAhead])
        #expect(Self.fetches(m.tick(now: Self.t0 + .seconds(91))).isEmpty)  // single flight
        #expect(Self.isProceed(m.validationNeedsKeys(now: Self.t0 + .seconds(95))))
        // The refresh fails; the set stays fresh until its TTL and a retry is scheduled.
        _ = m.fetchFailed(.refreshAhead, error: "timeout", now: Self.t0 + .seconds(95))
        #expect(m.view(now: Self.t0 + .seconds(99)).keys == "A")
        #expect(Self.fetches(m.tick(now: Self.t0 + .seconds(99))).isEmpty)
        // At the TTL, with no stale-if-error, the set is unpublished as the retry starts.
        let due = m.tick(now: Self.t0 + .seconds(100))
        #expect(Self.fetches(due) == [.retry])
        guard case .unavailable? = Self.published(due).last else {
            Issue.record("an expired set must be unpublished")
            return
        }
        _ = m.fetchFailed(.retry, error: "timeout", now: Self.t0 + .seconds(100))
        #expect(m.view(now: Self.t0 + .seconds(101)).keys == nil)
        // Validations still never wait.
        #expect(Self.isUnavailable(m.validationNeedsKeys(now: Self.t0 + .seconds(101))))
        // Recovery publishes the new set.
        _ = m.tick(now: Self.t0 + .seconds(105))
        let back = m.fetchSucceeded(.retry, keys: "B", now: Self.t0 + .seconds(106))
        #expect(Self.published(back).first?.keys == "B")
    }

    @Test func unknownKidRefetchesAtMostOncePerCooldown() throws {
        var m = Machine(strategy: try Self.strategy("refetch-unknown-kid", ["cooldown": "30"]))
        _ = m.validationNeedsKeys(now: Self.t0)
        _ = m.fetchSucceeded(.coldStart, keys: "A", now: Self.t0)
        // A flood of distinct random kids over five minutes, one every 10 ms.
        var fetches = 0
        var now = Self.t0
        for i in 0..<30_000 {
            now = Self.t0 + .milliseconds(10 * i)
            let (_, actions) = m.unknownKid(UInt64(i) &* 0x9E37_79B9 | 1, now: now)
            if !Self.fetches(actions).isEmpty {
                fetches += 1
                _ = m.fetchSucceeded(.unknownKid, keys: "A", changed: false, now: now + .milliseconds(5))
            }
        }
        // 300 s of flood, a 30 s cooldown: at most one refetch per cooldown (plus the edge).
        #expect(fetches >= 1 && fetches <= 300 / 30 + 1)
    }

    @Test func negativeCacheKeepsBogusKidsFromUsingUpTheRefetch() throws {
        var m = Machine(strategy: try Self.strategy("refetch-unknown-kid", ["cooldown": "30", "negative_cache_size": "2"]))
        _ = m.validationNeedsKeys(now: Self.t0)
        _ = m.fetchSucceeded(.coldStart, keys: "A", now: Self.t0)
        let bogus: UInt64 = 0xB06_05
        let (v1, a1) = m.unknownKid(bogus, now: Self.t0)
        #expect(v1 == .refetch && Self.fetches(a1) == [.unknownKid])
        // The refetch does not bring it: remembered as absent.
        _ = m.fetchSucceeded(.unknownKid, keys: "A", changed: false, now: Self.t0 + .milliseconds(5), stillUnknown: { _ in true })
        let (v2, _) = m.unknownKid(bogus, now: Self.t0 + .seconds(5))
        #expect(v2 == .knownAbsent)
        let (v3, _) = m.unknownKid(0xA11CE, now: Self.t0 + .seconds(5))
        #expect(v3 == .coolingDown(until: Self.t0 + .seconds(30)))
        // After the cooldown, the bogus kid still cannot trigger a fetch, a new kid can.
        let (v4, a4) = m.unknownKid(bogus, now: Self.t0 + .seconds(40))
        #expect(v4 == .knownAbsent && a4.isEmpty)
        let (v5, a5) = m.unknownKid(0xA11CE, now: Self.t0 + .seconds(40))
        #expect(v5 == .refetch && Self.fetches(a5) == [.unknownKid])
        // This time the new key arrived: not remembered.
        _ = m.fetchSucceeded(.unknownKid, keys: "B", now: Self.t0 + .seconds(41), stillUnknown: { _ in false })
        #expect(m.gate?.isKnownAbsent(0xA11CE) == false && m.gate?.isKnownAbsent(bogus) == true)
    }

    @Test func gateIsBoundedAndForgetsOnScheduledRefresh() {
        var gate = UnknownKidGate(cooldown: .seconds(1), capacity: 3)
        for (i, kid) in [UInt64(11), 12, 13, 14].enumerated() {
            #expect(gate.consider(kid, now: Self.t0 + .seconds(2 * i), fetchInFlight: false) == .refetch)
            gate.refetchSucceeded(stillUnknown: { _ in true })
        }
        // Capacity 3: the oldest was forgotten.
        #expect(gate.knownAbsent == [12, 13, 14])
        #expect(!gate.isKnownAbsent(11))
        #expect(gate.consider(99, now: Self.t0 + .seconds(100), fetchInFlight: true) == .fetchInFlight)
        gate.forgetAbsent()
        #expect(gate.knownAbsent.isEmpty)
        // A failed refetch teaches nothing.
        #expect(gate.consider(15, now: Self.t0 + .seconds(200), fetchInFlight: false) == .refetch)
        gate.refetchFailed()
        #expect(!gate.isKnownAbsent(15))
    }

    @Test func staleIfErrorServesTheLastGoodSetUpToMaxStale() throws {
        var m = Machine(
            strategy: try Self.strategy("stale-if-error", ["refresh_interval": "60", "max_stale": "300", "retry_interval": "5"]))
        _ = m.validationNeedsKeys(now: Self.t0)
        _ = m.fetchSucceeded(.coldStart, keys: "A", now: Self.t0)
        let expired = Self.t0 + .seconds(61)
        #expect(Self.leads(m.validationNeedsKeys(now: expired)) == .expired)
        let failed = m.fetchFailed(.expired, error: "HTTP 503", now: expired)
        guard case .stale(let keys)? = Self.published(failed).last else {
            Issue.record("stale-if-error must keep serving after a failed refetch")
            return
        }
        #expect(keys == "A")
        // Within the retry interval validations proceed on the stale set without waiting.
        #expect(Self.isProceed(m.validationNeedsKeys(now: expired + .seconds(2))))
        // Then one validation tries again.
        #expect(Self.leads(m.validationNeedsKeys(now: expired + .seconds(6))) == .expired)
        _ = m.fetchFailed(.expired, error: "HTTP 503", now: expired + .seconds(6))
        #expect(m.view(now: Self.t0 + .seconds(359)).keys == "A")
        // Past max staleness: unavailable.
        let gone = m.tick(now: Self.t0 + .seconds(361))
        guard case .unavailable? = Self.published(gone).last else {
            Issue.record("a set past max_stale must be unpublished")
            return
        }
    }

    @Test func defaultStrategyRidesOutAThirtySecondOutage() throws {
        var m = Machine(strategy: try Self.strategy("default", ["refresh_interval": "60", "refresh_ahead": "10"]))
        _ = m.start(now: Self.t0)
        _ = m.fetchSucceeded(.coldStart, keys: "A", now: Self.t0)
        // The identity provider is down from t+45 s to t+75 s; every fetch in that window fails.
        var now = Self.t0
        var unavailableViews = 0
        while now < Self.t0 + .seconds(200) {
            for case .startFetch(let reason) in m.tick(now: now) {
                let down = now >= Self.t0 + .seconds(45) && now < Self.t0 + .seconds(75)
                if down {
                    _ = m.fetchFailed(reason, error: "HTTP 503", now: now)
                } else {
                    _ = m.fetchSucceeded(reason, keys: "A", changed: false, now: now)
                }
            }
            if m.view(now: now).keys == nil { unavailableViews += 1 }
            #expect(!Self.isWait(m.validationNeedsKeys(now: now)))
            now = now + .milliseconds(500)
        }
        #expect(unavailableViews == 0)
    }

    @Test func publicationsHappenOnlyOnChange() throws {
        var m = Machine(strategy: try Self.strategy("refresh-ahead", ["refresh_interval": "60"]))
        _ = m.start(now: Self.t0)
        _ = m.fetchSucceeded(.coldStart, keys: "A", now: Self.t0)
        for s in 1..<50 { #expect(Self.published(m.tick(now: Self.t0 + .seconds(s))).isEmpty) }
        // An identical refetch keeps the version; a changed one publishes.
        let version = m.keysVersion
        _ = m.tick(now: Self.t0 + .seconds(54))
        #expect(Self.published(m.fetchSucceeded(.refreshAhead, keys: "A", changed: false, now: Self.t0 + .seconds(54))).isEmpty)
        #expect(m.keysVersion == version)
        _ = m.tick(now: Self.t0 + .seconds(108))
        #expect(Self.published(m.fetchSucceeded(.refreshAhead, keys: "B", now: Self.t0 + .seconds(108))).count == 1)
        #expect(m.keysVersion == version + 1)
    }

    @Test func maxAgeSetsTheTTL() throws {
        var m = Machine(strategy: try Self.strategy("ttl", ["refresh_interval": "900", "min_ttl": "30"]))
        _ = m.validationNeedsKeys(now: Self.t0)
        _ = m.fetchSucceeded(.coldStart, keys: "A", maxAge: .seconds(120), now: Self.t0)
        #expect(m.freshUntil == Self.t0 + .seconds(120))
        _ = m.validationNeedsKeys(now: Self.t0 + .seconds(121))
        _ = m.fetchSucceeded(.expired, keys: "A", maxAge: .zero, now: Self.t0 + .seconds(121))
        #expect(m.freshUntil == Self.t0 + .seconds(151))  // max-age=0 is bounded by min_ttl
    }
}
