import Histogram
import JWTValidation
import KeySources
import Measurement
import Reports

#if canImport(Glibc)
import Glibc
#endif

/// One worker thread of a `cache-compare` cell: closed loop, each request gets keys ready
/// (`RemoteKeyProvider.prepareForValidation()`, where the blocking strategies block), then
/// validates, then grades the decision against what the issuer's state says it must be.
final class CacheCompareWorker: @unchecked Sendable {
    // @unchecked: the cell hands each worker to exactly one thread and reads `tally` only
    // after joining that thread.

    /// What a worker needs; shared by all workers of a cell.
    struct Plan: Sendable {
        let stream: CacheCompareTokenStream
        /// Validates one token (the validator, or the verified-token cache in front of it).
        let validate: @Sendable (String) -> Decision
        /// Gets keys ready; nil for static keys.
        let prepare: (@Sendable () -> Duration)?
        /// HdrHistogram's coordinated-omission correction: the interval at which requests
        /// would keep arriving while one is stalled (nanoseconds).
        let expectedInterval: UInt64
    }

    /// What one worker saw.
    struct Tally {
        var corrected = LatencyHistogram.make()
        var uncorrected = LatencyHistogram.make()
        var operations = 0
        /// Tokens that had to be allowed, and those of them denied.
        var mustAllow = 0
        var falseRejects = 0
        /// Denial reasons of the false rejects, by `ReasonCode.tallyIndex`.
        var rejectReasons = [Int](repeating: 0, count: ReasonCode.tallyNames.count)
        /// Tokens that had to be denied, and those of them allowed.
        var mustDeny = 0
        var falseAccepts = 0
        var falseAcceptExamples: [String] = []
        /// Retired-key tokens decided inside the grace after the retirement, or sent before it and
        /// decided after it (either answer is right).
        var ungraded = 0
        var waits = 0
        var waitNanoseconds: UInt64 = 0
        /// First allowed token signed with a key the issuer switched to mid-run (monotonic ns).
        var firstNewKeyAllowed: UInt64?
        /// First denial of a retired-key token sent after the retirement (monotonic ns).
        var firstRetiredRefused: UInt64?

        mutating func add(_ o: Tally) {
            corrected.add(o.corrected)
            uncorrected.add(o.uncorrected)
            operations += o.operations
            mustAllow += o.mustAllow
            falseRejects += o.falseRejects
            for i in rejectReasons.indices { rejectReasons[i] += o.rejectReasons[i] }
            mustDeny += o.mustDeny
            falseAccepts += o.falseAccepts
            falseAcceptExamples += o.falseAcceptExamples.prefix(max(0, 5 - falseAcceptExamples.count))
            ungraded += o.ungraded
            waits += o.waits
            waitNanoseconds += o.waitNanoseconds
            firstNewKeyAllowed = Self.earliest(firstNewKeyAllowed, o.firstNewKeyAllowed)
            firstRetiredRefused = Self.earliest(firstRetiredRefused, o.firstRetiredRefused)
        }

        private static func earliest(_ a: UInt64?, _ b: UInt64?) -> UInt64? {
            guard let a else { return b }
            guard let b else { return a }
            return min(a, b)
        }
    }

    let plan: Plan
    /// Where this worker starts in the pools (workers do not send the same token in step).
    let offset: Int
    var tally = Tally()

    init(plan: Plan, offset: Int) {
        self.plan = plan
        self.offset = offset
    }

    /// Runs from `start` (spinning until then, so every thread starts at once) to `end`
    /// (monotonic ns).
    func run(start: UInt64, end: UInt64) {
        let stream = plan.stream
        var generation = stream.currentGeneration
        var pool = stream.pool(generation)
        var i = offset
        while MonotonicClock.now() < start {}
        while true {
            let t0 = MonotonicClock.now()
            if t0 >= end { break }
            let latest = stream.currentGeneration
            if latest != generation {
                generation = latest
                pool = stream.pool(latest)
            }
            if let prepare = plan.prepare {
                let waited = prepare()
                if waited > .zero {
                    tally.waits += 1
                    tally.waitNanoseconds &+= UInt64(max(0, waited.nanoseconds))
                }
            }
            let kind = stream.kind(i)
            let token: String
            switch kind {
            case .current: token = pool[i % pool.count]
            case .retiring: token = stream.retiring[i % stream.retiring.count]
            case .forged: token = stream.forged[i % stream.forged.count]
            }
            let decision = plan.validate(token)
            let t1 = MonotonicClock.now()
            _ = tally.corrected.recordCorrectedValue(t1 &- t0, expectedInterval: plan.expectedInterval)
            _ = tally.uncorrected.record(t1 &- t0)
            tally.operations += 1
            grade(kind, decision, sentAt: t0, decidedAt: t1, newKey: generation > 0, token: token)
            i &+= 1
        }
    }

    /// Whether `decision` was right for a token of `kind` sent at `sentAt`.
    @inline(__always)
    private func grade(_ kind: CacheCompareTokenKind, _ decision: Decision, sentAt: UInt64, decidedAt: UInt64, newKey: Bool, token: String)
    {
        let allowed = decision.isAllowed
        switch kind {
        case .current:
            mustAllow(allowed, decision)
            if allowed && newKey && tally.firstNewKeyAllowed == nil { tally.firstNewKeyAllowed = decidedAt }
        case .retiring:
            let retiredAt = plan.stream.retiredAt
            if decidedAt < retiredAt {
                mustAllow(allowed, decision)
            } else if sentAt < retiredAt {
                // Sent before the retirement, decided after it: either answer is right (a
                // fetch inside this request, as `none` does, may already miss the key).
                tally.ungraded += 1
            } else {
                if !allowed && tally.firstRetiredRefused == nil { tally.firstRetiredRefused = decidedAt }
                if sentAt - retiredAt < plan.stream.graceNanoseconds {
                    tally.ungraded += 1
                } else {
                    mustDeny(
                        allowed, "token signed with the retired key, \((sentAt - retiredAt) / 1_000_000) ms after its retirement", token)
                }
            }
        case .forged:
            mustDeny(allowed, "token with a random unknown kid", token)
        }
    }

    @inline(__always)
    private func mustAllow(_ allowed: Bool, _ decision: Decision) {
        tally.mustAllow += 1
        if !allowed {
            tally.falseRejects += 1
            tally.rejectReasons[ReasonCode.tallyIndex(decision.reason)] += 1
        }
    }

    private func mustDeny(_ allowed: Bool, _ what: String, _ token: String) {
        tally.mustDeny += 1
        guard allowed else { return }
        tally.falseAccepts += 1
        if tally.falseAcceptExamples.count < 5 { tally.falseAcceptExamples.append("\(what) was allowed: \(token.prefix(60))...") }
    }
}
