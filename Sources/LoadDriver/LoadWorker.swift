import Histogram
import JWTValidation
import Measurement
import Reports
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One OS thread's share of a run: its own slice order, histograms and tallies; nothing is
/// shared with other workers until the driver merges the results.
final class LoadWorker: @unchecked Sendable {
    // @unchecked: the driver hands each worker to exactly one thread and reads `result`
    // only after joining that thread.
    struct Plan {
        let target: any LoadTarget
        let expected: [ReasonCode?]
        let algorithmIndex: [Int]
        let ids: [String]
        let algorithmCount: Int
        /// First item this worker takes (workers start at different offsets).
        let offset: Int
        /// Open loop: nanoseconds between this worker's requests; nil for closed loop.
        let interval: UInt64?
        /// Nanoseconds after `start` of this worker's first intended request.
        let phase: UInt64
        let intervals: Int
        let operationLimit: UInt64?
    }

    let plan: Plan
    var result: LoadWorkerResult
    /// Completed operations, for the progress reporter (written here, read there, relaxed).
    let progress = Atomic<UInt64>(0)
    let mismatchCount = Atomic<UInt64>(0)
    /// The last completed interval's corrected histogram, for live p50/p99.
    let lastInterval = Mutex<Histogram<UInt64>?>(nil)

    init(plan: Plan) {
        self.plan = plan
        self.result = LoadWorkerResult(intervals: plan.intervals, algorithms: plan.algorithmCount)
    }

    /// Runs until `end` (monotonic ns) or the operation limit; records only if `record`.
    func run(start: UInt64, end: UInt64, record: Bool) {
        let n = plan.expected.count
        var index = plan.offset % n
        var intended = start &+ plan.phase
        var interval = 0
        var intervalEnd = start &+ 1_000_000_000
        var ops: UInt64 = 0
        let bytes = AllocationCounter.threadAllocatedBytesPointer()
        let bytesBefore = bytes?.pointee ?? 0
        while true {
            var t0 = MonotonicClock.now()
            if plan.interval != nil {
                // Open loop: wait for this request's intended start; never skip one.
                if intended >= end { break }
                while t0 < intended {
                    let remaining = intended - t0
                    if remaining > 200_000 {
                        var ts = timespec(tv_sec: 0, tv_nsec: Int(remaining - 100_000))
                        nanosleep(&ts, nil)
                    }
                    t0 = MonotonicClock.now()
                }
            } else {
                intended = t0
                if t0 >= end { break }
            }
            let got = plan.target.decide(index)
            let t1 = MonotonicClock.now()
            if record {
                while t1 >= intervalEnd {
                    publish(interval)
                    interval += 1
                    intervalEnd &+= 1_000_000_000
                    // Runs bounded by count rather than time grow their interval list here.
                    if interval == result.corrected.count {
                        result.corrected.append(LatencyHistogram.make())
                        result.uncorrected.append(LatencyHistogram.make())
                    }
                }
                _ = result.corrected[interval].record(t1 &- intended)
                _ = result.uncorrected[interval].record(t1 &- t0)
                result.reasons[ReasonCode.tallyIndex(got)] &+= 1
                result.algorithms[plan.algorithmIndex[index]] &+= 1
                if got != plan.expected[index] {
                    result.mismatches &+= 1
                    mismatchCount.add(1, ordering: .relaxed)
                    if result.firstMismatches.count < 10 {
                        result.firstMismatches.append(
                            "\(plan.ids[index]): expected \(plan.expected[index]?.rawValue ?? "allow"), got \(got?.rawValue ?? "allow")")
                    }
                }
            }
            ops &+= 1
            if ops & 63 == 0 { progress.store(ops, ordering: .relaxed) }
            if let step = plan.interval { intended &+= step }
            index += 1
            if index == n { index = 0 }
            if let limit = plan.operationLimit, ops >= limit { break }
        }
        progress.store(ops, ordering: .relaxed)
        if record {
            publish(interval)
            result.operations = ops
            result.allocatedBytes = (bytes?.pointee ?? 0) &- bytesBefore
        }
    }

    private func publish(_ interval: Int) {
        let h = result.corrected[interval]
        lastInterval.withLock { $0 = h }
    }
}
