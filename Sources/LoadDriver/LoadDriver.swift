import Dispatch
import Foundation
import Histogram
import JWTValidation
import Measurement
import Reports
import Synchronization

/// Drives a `LoadTarget` from N OS threads, closed loop or at a constant arrival rate, and
/// returns HdrHistograms of latency measured from each request's *intended* start (so a
/// stall delays every request queued behind it, as users would see: no coordinated
/// omission), beside the uncorrected ones, with every decision checked.
public enum LoadDriver {
    /// The workload as the driver sees it: expectations and labels per corpus index.
    public struct Workload: Sendable {
        public let target: any LoadTarget
        public let expected: [ReasonCode?]
        public let algorithmIndex: [Int]
        public let algorithmNames: [String]
        public let ids: [String]

        public init(target: any LoadTarget, expected: [ReasonCode?], algorithmIndex: [Int], algorithmNames: [String], ids: [String]) {
            self.target = target
            self.expected = expected
            self.algorithmIndex = algorithmIndex
            self.algorithmNames = algorithmNames
            self.ids = ids
        }

        /// The validation core over a minted corpus, or (`noop`) the same corpus answered
        /// without validating, which leaves the driver's own cost per operation.
        public init(corpus: LoadCorpus, noop: Bool = false) {
            let names = corpus.algorithms.map(\.rawValue)
            let expected = corpus.items.map(\.expected)
            let target: any LoadTarget = noop ? NoopTarget(expected: expected) : ValidatorTarget(corpus: corpus)
            self.init(
                target: target, expected: expected,
                algorithmIndex: corpus.items.map { item in corpus.algorithms.firstIndex(of: item.algorithm) ?? 0 },
                algorithmNames: names, ids: corpus.items.map(\.id))
        }
    }

    /// Runs one series on `threads` threads. `runStart` (monotonic ns) anchors interval times
    /// so the series of a sweep line up in one interval log.
    public static func run(
        name: String, workload label: String, _ workload: Workload, threads: Int, options: LoadOptions,
        runStart: UInt64, backendByAlgorithm: [String: String] = [:], log: @escaping @Sendable (String) -> Void = { _ in }
    ) -> LoadSeriesResult {
        precondition(threads >= 1 && !workload.expected.isEmpty)
        if let http = workload.target as? HTTPLoadTarget {
            return HTTPLoadDriver.run(
                name: name, workload: label, workload, target: http, threads: threads, options: options, runStart: runStart, log: log)
        }
        // Allocation count per operation: a short single-threaded pass (jemalloc keeps no
        // per-thread count; see AllocationCounter).
        var calibration = 0
        let allocations = AllocationCounter.measure(iterations: min(2000, max(200, workload.expected.count))) {
            _ = workload.target.decide(calibration % workload.expected.count)
            calibration += 1
        }
        let perThreadRate = options.rate.map { $0 / Double(threads) }
        let interval = perThreadRate.map { UInt64(1e9 / max($0, 1e-3)) }
        let intervals = options.count == nil ? Int(options.durationSeconds.rounded(.up)) + 1 : 1
        let stalling = options.stall.map { StallingTarget(workload.target, stall: $0) }
        let workers = (0..<threads).map { t in
            LoadWorker(
                plan: .init(
                    target: stalling ?? workload.target, expected: workload.expected, algorithmIndex: workload.algorithmIndex,
                    ids: workload.ids, algorithmCount: workload.algorithmNames.count,
                    offset: t * workload.expected.count / threads,
                    interval: interval, phase: interval.map { $0 * UInt64(t) / UInt64(threads) } ?? 0,
                    intervals: intervals, operationLimit: options.count.map { UInt64(($0 + threads - 1) / threads) }))
        }
        let warmup = UInt64(options.warmupSeconds * 1e9)
        let startAt = MonotonicClock.now() + 20_000_000  // let every thread reach the line
        let measureStart = startAt + warmup
        stalling?.arm(measureStart: measureStart)
        let measureEnd = options.count == nil ? measureStart + UInt64(options.durationSeconds * 1e9) : measureStart + 3_600_000_000_000
        let group = launch(workers.count, startAt: startAt, measureStart: measureStart, measureEnd: measureEnd, spin: true) {
            workers[$0].run(start: $1, end: $2, record: $3)
        }
        let reporter = LoadProgress(
            name: name, workers: workers, warmupStart: warmup > 0 ? startAt : nil, measureStart: measureStart,
            measureEnd: options.count == nil ? measureEnd : nil,
            totalOperations: options.count, enabled: options.progress, log: log)
        let (elapsedEnd, machineNoise) = awaitWorkers(group, measureStart: measureStart, reporter: reporter)

        return summarize(
            name: name, workload: label, threads: threads, options: options, results: workers.map(\.result),
            algorithmNames: workload.algorithmNames, measureStart: measureStart, end: elapsedEnd, runStart: runStart,
            allocationsPerOperation: allocations?.allocations, backendByAlgorithm: backendByAlgorithm, machineNoise: machineNoise)
    }

    /// One OS thread per worker: each waits for `startAt`, runs the warm-up unrecorded (when
    /// `measureStart` is later) and the measurement recorded, then leaves the returned group.
    /// `spin`: busy-wait for the start, so that in-process workers start on the same
    /// nanosecond; otherwise sleep-wait (the HTTP workers, whose server needs the cores).
    static func launch(
        _ count: Int, startAt: UInt64, measureStart: UInt64, measureEnd: UInt64, spin: Bool,
        _ run: @escaping @Sendable (_ worker: Int, _ start: UInt64, _ end: UInt64, _ record: Bool) -> Void
    ) -> DispatchGroup {
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            let thread = Thread {
                while MonotonicClock.now() < startAt { if !spin { usleep(100) } }
                if measureStart > startAt { run(index, startAt, measureStart, false) }
                run(index, measureStart, measureEnd, true)
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        return group
    }

    /// Waits for the workers of `group`, ticking the progress line, and takes the machine's
    /// CPU accounts at the measurement's start and end: what else ran meanwhile is part of the
    /// result (`MachineNoise`). Returns when the last worker finished, and the noise.
    static func awaitWorkers(_ group: DispatchGroup, measureStart: UInt64, reporter: LoadProgress) -> (UInt64, MachineNoise?) {
        var noiseStart: CPUTimeSample?
        while true {
            let now = MonotonicClock.now()
            // The first wait ends at the measurement's start, so the sample is taken then.
            let untilStart = noiseStart == nil && now < measureStart ? Int(min(250_000_000, measureStart - now)) : 250_000_000
            if group.wait(timeout: .now() + .nanoseconds(untilStart)) == .success { break }
            if noiseStart == nil, MonotonicClock.now() >= measureStart { noiseStart = CPUTimeSample.current() }
            reporter.tick()
        }
        reporter.finish()
        let end = MonotonicClock.now()
        return (end, noiseStart.flatMap { start in CPUTimeSample.current().flatMap { MachineNoise(from: start, to: $0) } })
    }

    /// One series from its workers' results: histograms merged per interval (anchored at
    /// `runStart`) and in total, tallies added, throughput over the measured time.
    static func summarize(
        name: String, workload label: String, threads: Int, options: LoadOptions, results: [LoadWorkerResult],
        algorithmNames: [String], measureStart: UInt64, end: UInt64, runStart: UInt64, allocationsPerOperation: Double? = nil,
        backendByAlgorithm: [String: String] = [:], machineNoise: MachineNoise? = nil
    ) -> LoadSeriesResult {
        var merged = LoadWorkerResult(intervals: 0, algorithms: algorithmNames.count)
        let intervalCount = results.map(\.corrected.count).max() ?? 0
        var corrected: [IntervalHistogram] = []
        var uncorrected: [IntervalHistogram] = []
        let offset = Double(measureStart &- min(runStart, measureStart)) / 1e9
        for k in 0..<intervalCount {
            var c = LatencyHistogram.make()
            var u = LatencyHistogram.make()
            for r in results where k < r.corrected.count {
                c.add(r.corrected[k])
                u.add(r.uncorrected[k])
            }
            if c.totalCount == 0 { continue }
            corrected.append(IntervalHistogram(startSeconds: offset + Double(k), lengthSeconds: 1, histogram: c))
            uncorrected.append(IntervalHistogram(startSeconds: offset + Double(k), lengthSeconds: 1, histogram: u))
        }
        var totalC = LatencyHistogram.make()
        var totalU = LatencyHistogram.make()
        for i in corrected { totalC.add(i.histogram) }
        for i in uncorrected { totalU.add(i.histogram) }
        for r in results {
            merged.operations += r.operations
            merged.mismatches += r.mismatches
            merged.firstMismatches += r.firstMismatches
            merged.allocatedBytes += r.allocatedBytes
            for i in merged.reasons.indices { merged.reasons[i] += r.reasons[i] }
            for i in merged.algorithms.indices { merged.algorithms[i] += r.algorithms[i] }
        }
        // An open loop never skips an intended start, so a target that cannot keep up takes
        // longer than the duration to finish them: its throughput is over the time it took.
        let seconds = options.count == nil && options.rate == nil ? options.durationSeconds : Double(end - measureStart) / 1e9
        var reasons: [String: UInt64] = [:]
        for (i, n) in merged.reasons.enumerated() where n > 0 { reasons[ReasonCode.tallyNames[i]] = n }
        var algorithms: [String: UInt64] = [:]
        for (i, n) in merged.algorithms.enumerated() where n > 0 { algorithms[algorithmNames[i]] = n }
        let summary = SeriesSummary(
            name: name, workload: label, threads: threads, mode: options.rate == nil ? .closed : .open,
            targetRatePerSecond: options.rate, durationSeconds: seconds, operations: merged.operations,
            operationsPerSecond: Double(merged.operations) / seconds,
            correctedLatencyNanos: LatencyPercentiles(histogram: totalC), uncorrectedLatencyNanos: LatencyPercentiles(histogram: totalU),
            countsByAlgorithm: algorithms, countsByReason: reasons, mismatches: merged.mismatches,
            allocationsPerOperation: allocationsPerOperation,
            bytesPerOperation: AllocationCounter.isAvailable && merged.operations > 0 && allocationsPerOperation != nil
                ? Double(merged.allocatedBytes) / Double(merged.operations) : nil,
            backendByAlgorithm: backendByAlgorithm, machineNoise: machineNoise)
        return LoadSeriesResult(
            summary: summary, histograms: SeriesHistograms(corrected: corrected, uncorrected: uncorrected),
            firstMismatches: Array(merged.firstMismatches.prefix(10)))
    }
}
