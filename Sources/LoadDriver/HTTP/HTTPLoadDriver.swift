import Dispatch
import Foundation
import Histogram
import Measurement
import Reports

/// Runs one series against an `HTTPLoadTarget`: `connections` keep-alive connections spread
/// over `threads` OS threads (`HTTPLoadWorker`, epoll), closed loop or at `options.rate`
/// requests per second over all connections, each connection with its own evenly phased
/// intended start times. The same warm-up, intervals, progress line, noise accounting and
/// summary as the in-process driver.
enum HTTPLoadDriver {
    static func run(
        name: String, workload label: String, _ workload: LoadDriver.Workload, target: HTTPLoadTarget, threads: Int,
        options: LoadOptions, runStart: UInt64, log: @escaping @Sendable (String) -> Void
    ) -> LoadSeriesResult {
        let connections = target.connections
        let workerCount = min(threads, connections)
        // Per connection: the nanoseconds between its requests, so all of them offer the rate.
        let interval = options.rate.map { UInt64(1e9 * Double(connections) / max($0, 1e-3)) }
        let intervals = options.count == nil ? Int(options.durationSeconds.rounded(.up)) + 1 : 1
        let n = workload.expected.count
        let workers = (0..<workerCount).map { t in
            let mine = Array(stride(from: t, to: connections, by: workerCount))
            return HTTPLoadWorker(
                plan: .init(
                    target: target, expected: workload.expected, algorithmIndex: workload.algorithmIndex, ids: workload.ids,
                    algorithmCount: workload.algorithmNames.count, firstIndex: mine.map { $0 * n / connections },
                    phase: mine.map { j in interval.map { $0 * UInt64(j) / UInt64(connections) } ?? 0 }, interval: interval,
                    intervals: intervals))
        }
        let warmup = UInt64(options.warmupSeconds * 1e9)
        let startAt = MonotonicClock.now() + 20_000_000
        let measureStart = startAt + warmup
        let measureEnd = measureStart + UInt64(options.durationSeconds * 1e9)
        let group = LoadDriver.launch(workers.count, startAt: startAt, measureStart: measureStart, measureEnd: measureEnd, spin: false) {
            workers[$0].run(start: $1, end: $2, record: $3)
        }
        let reporter = LoadProgress(
            name: name, warmupStart: warmup > 0 ? startAt : nil, measureStart: measureStart, measureEnd: measureEnd,
            totalOperations: nil, enabled: options.progress, terminal: isatty(2) != 0, log: log, flush: { fflush(nil) },
            sample: { Self.sample(workers) })
        let (end, noise) = LoadDriver.awaitWorkers(group, measureStart: measureStart, reporter: reporter)
        return LoadDriver.summarize(
            name: name, workload: label, threads: threads, options: options, results: workers.map(\.result),
            algorithmNames: workload.algorithmNames, measureStart: measureStart, end: end, runStart: runStart, machineNoise: noise)
    }

    /// The workers' last intervals merged, for the progress line.
    static func sample(_ workers: [HTTPLoadWorker]) -> LoadProgress.Sample {
        let mismatches = workers.reduce(UInt64(0)) { $0 + $1.mismatchCount.load(ordering: .relaxed) }
        var merged = LatencyHistogram.make()
        for w in workers {
            guard let h = w.lastInterval.withLock({ $0 }) else { return LoadProgress.Sample(interval: nil, mismatches: mismatches) }
            merged.add(h)
        }
        return LoadProgress.Sample(interval: merged, mismatches: mismatches)
    }
}
