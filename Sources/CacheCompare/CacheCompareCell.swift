import Dispatch
import Foundation
import Issuer
import JOSECrypto
import JWTValidation
import KeySources
import Logging
import Measurement
import Reports

/// Runs one strategy through one scenario: a fresh embedded issuer on an ephemeral loopback
/// port, a fresh provider, N worker threads, and a controller (the calling thread) that plays
/// the scenario's timeline (rotation, faults) while they run.
enum CacheCompareCell {
    /// Issuer and provider log only errors: a failing fetch per request in an outage would
    /// otherwise flood the console, and the counts are in the report anyway.
    static let quietLogger: Logger = {
        var logger = Logger(label: "jwtbench.cache-compare")
        logger.logLevel = .error
        return logger
    }()

    /// The issuer's `Cache-Control: max-age`: 1 s where the set must expire during the run,
    /// 15 minutes (ngrok's period) where it must not.
    static func maxAge(_ scenario: CacheCompareScenario) -> Int {
        switch scenario {
        case .rotation, .slowIdP, .idpOutage: return 1
        case .steady, .kidFlood, .coldStart: return 900
        }
    }

    /// Runs the cell. Blocks for the cell's length; call it from a thread (never an event loop).
    static func run(
        strategy name: String, scenario: CacheCompareScenario, configuration c: CacheCompareConfiguration,
        expectedInterval: UInt64
    ) throws -> CacheCompareCellResult {
        let strategy = try c.strategy(named: name)
        let maxAge = maxAge(scenario)
        let latency: Duration =
            switch scenario {
            case .slowIdP: .nanoseconds(Int64(c.slowLatencySeconds * 1e9))
            case .coldStart: .milliseconds(50)
            default: .zero
            }
        let issuer = try EmbeddedIssuer(
            configuration: IssuerConfiguration(algorithm: .es256, cacheMaxAge: maxAge, latency: latency), logger: quietLogger)
        try issuer.start()
        defer { issuer.stop() }

        let nowSeconds = Int64(Date().timeIntervalSince1970)
        // A retired key may be served until the set fetched just before its retirement
        // expires (max-age), plus half a second for the refetch itself.
        let stream = try CacheCompareTokenStream(
            issuer: issuer, now: nowSeconds, forgedEvery: scenario == .kidFlood ? 2 : 0,
            retiringEvery: scenario == .rotation ? 5 : 0, graceNanoseconds: UInt64(maxAge) * 1_000_000_000 + 500_000_000)
        let rules = ValidationRules(
            issuers: [issuer.issuer], audiences: [issuer.configuration.audience],
            allowedAlgorithms: [.es256], requireExpiration: true)

        var provider: RemoteKeyProvider?
        let validate: @Sendable (String) -> Decision
        var tokenCache: VerifiedTokenCache?
        if let strategy {
            let remote = RemoteKeyProvider(
                location: .jwks(issuer.jwksURL), strategy: strategy, algorithms: [.es256],
                logger: quietLogger)
            provider = remote
            let validator = Validator(rules: rules, keys: remote)
            if let settings = strategy.tokenCache {
                let cache = VerifiedTokenCache(settings)
                tokenCache = cache
                let caching = CachingValidator(validator: validator, cache: cache, keySetGeneration: { remote.generation })
                validate = { caching.validate(token: $0, now: nowSeconds) }
            } else {
                validate = { validator.validate(token: $0, now: nowSeconds) }
            }
        } else {
            // Static keys: the issuer's public key, loaded once, never fetched.
            let validator = Validator(rules: rules, keys: StaticKeyProvider(keys: [issuer.signingKey.publicKey], algorithms: [.es256]))
            validate = { validator.validate(token: $0, now: nowSeconds) }
        }
        defer { provider?.shutdown() }
        if let provider, scenario != .coldStart {
            provider.start()
            if let error = provider.prime(timeout: .seconds(10)) {
                throw HarnessError.failed("\(name)/\(scenario.rawValue): the first key set did not load: \(error)")
            }
        }

        var prepare: (@Sendable () -> Duration)?
        if let provider { prepare = { provider.prepareForValidation() } }
        let plan = CacheCompareWorker.Plan(stream: stream, validate: validate, prepare: prepare, expectedInterval: expectedInterval)
        let outage = c.outagePlan
        let seconds = scenario == .idpOutage ? outage.cell : c.durationSeconds
        let startAt = MonotonicClock.now() + 20_000_000  // every thread reaches the line first
        let endAt = startAt + UInt64(seconds * 1e9)
        let workers = (0..<c.threads).map { CacheCompareWorker(plan: plan, offset: $0 * 7919) }
        let group = DispatchGroup()
        for worker in workers {
            group.enter()
            let thread = Thread {
                worker.run(start: startAt, end: endAt)
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }

        // The timeline, played by this thread while the workers run.
        var switchedAt: UInt64?
        var retiredAt: UInt64?
        switch scenario {
        case .coldStart:
            // The refresh-ahead strategies begin their first load here, as the traffic starts.
            sleep(until: startAt)
            provider?.start()
        case .rotation:
            let at = startAt + UInt64(seconds * 0.2 * 1e9)
            sleep(until: at)
            let rotation = try issuer.rotate(overlap: .nanoseconds(Int64(seconds * 0.2 * 1e9)))
            stream.setRetirement(at: rotation.previousRetiresAt)
            // New tokens carry the new kid from here (minting 64 takes a few milliseconds).
            let pool = try CacheCompareTokenStream.mint(issuer, now: nowSeconds, kid: nil)
            switchedAt = stream.switchPool(to: pool)
            if rotation.previousRetiresAt < endAt { retiredAt = rotation.previousRetiresAt }
        case .idpOutage:
            let half = Duration.nanoseconds(Int64(outage.outage / 2 * 1e9))
            sleep(until: startAt + UInt64(outage.lead * 1e9))
            issuer.setFault(.unavailable, for: half)
            sleep(until: startAt + UInt64((outage.lead + outage.outage / 2) * 1e9))
            issuer.setFault(.reset, for: half)
        case .steady, .slowIdP, .kidFlood:
            break
        }
        group.wait()

        var tally = CacheCompareWorker.Tally()
        for worker in workers { tally.add(worker.tally) }
        let counters = provider?.counters ?? KeyCacheCounters()
        var reasons: [String: Int] = [:]
        for (i, n) in tally.rejectReasons.enumerated() where n > 0 { reasons[ReasonCode.tallyNames[i]] = n }
        return CacheCompareCellResult(
            strategy: name, strategyDetails: strategy?.description ?? "static: the issuer's key, loaded once, never fetched",
            scenario: scenario, threads: c.threads, seconds: seconds, operations: tally.operations,
            operationsPerSecond: Double(tally.operations) / seconds,
            correctedLatencyNanos: LatencyPercentiles(histogram: tally.corrected),
            uncorrectedLatencyNanos: LatencyPercentiles(histogram: tally.uncorrected),
            expectedIntervalNanos: expectedInterval, issuerFetches: issuer.fetchCount,
            fetchesByReason: counters.fetchesByReason, fetchFailures: counters.fetchFailures,
            mustAllow: tally.mustAllow, falseRejects: tally.falseRejects, falseRejectReasons: reasons,
            mustDeny: tally.mustDeny, falseAccepts: tally.falseAccepts, falseAcceptExamples: tally.falseAcceptExamples,
            ungraded: tally.ungraded,
            newKeyAcceptedAfterMillis: millis(from: switchedAt, to: tally.firstNewKeyAllowed), rotated: switchedAt != nil,
            retiredKeyRefusedAfterMillis: millis(from: retiredAt, to: tally.firstRetiredRefused), retired: retiredAt != nil,
            waits: tally.waits, waitSeconds: Double(tally.waitNanoseconds) / 1e9,
            tokenCacheHits: tokenCache?.statistics.hits)
    }

    private static func millis(from start: UInt64?, to end: UInt64?) -> Double? {
        guard let start, let end else { return nil }
        return end >= start ? Double(end - start) / 1e6 : 0
    }

    /// Sleeps until the monotonic instant `t` (to about 100 µs).
    private static func sleep(until t: UInt64) {
        while true {
            let now = MonotonicClock.now()
            if now >= t { return }
            let remaining = t - now
            var ts = timespec(tv_sec: Int(remaining / 1_000_000_000), tv_nsec: Int(remaining % 1_000_000_000))
            nanosleep(&ts, nil)
        }
    }
}
