import Foundation
import Histogram
import Measurement
import Reports

/// Live progress while a series runs: a warm-up line, then the rate, p50 and p99 of the last
/// completed one-second interval, mismatches and time left. A rewritten line on a terminal; a
/// plain line every few seconds otherwise, flushed at once (so a pipe sees it live).
///
/// Every figure printed was measured: rate and percentiles come from the same interval
/// histograms (the rate is their count over the interval's length), and nothing is printed
/// until every worker has finished an interval.
final class LoadProgress {
    /// What the workers have published by now.
    struct Sample {
        /// The merged last completed interval of every worker; nil until each has one.
        var interval: Histogram<UInt64>?
        /// Mismatches so far.
        var mismatches: UInt64
    }

    let name: String
    let warmupStart: UInt64?
    let measureStart: UInt64
    let measureEnd: UInt64?
    let totalOperations: Int?
    let enabled: Bool
    let log: @Sendable (String) -> Void
    let sample: () -> Sample
    let flush: () -> Void
    private let terminal: Bool
    private var lastPrint: UInt64?

    /// Progress over `workers`' published intervals. `warmupStart` (monotonic ns) is when the
    /// discarded warm-up begins; nil or equal to `measureStart` when there is none.
    convenience init(
        name: String, workers: [LoadWorker], warmupStart: UInt64? = nil, measureStart: UInt64, measureEnd: UInt64?,
        totalOperations: Int?, enabled: Bool, log: @escaping @Sendable (String) -> Void
    ) {
        self.init(
            name: name, warmupStart: warmupStart, measureStart: measureStart, measureEnd: measureEnd,
            totalOperations: totalOperations, enabled: enabled, terminal: isatty(2) != 0, log: log,
            flush: { fflush(nil) }, sample: { Self.sample(workers) })
    }

    init(
        name: String, warmupStart: UInt64?, measureStart: UInt64, measureEnd: UInt64?, totalOperations: Int?,
        enabled: Bool, terminal: Bool, log: @escaping @Sendable (String) -> Void, flush: @escaping () -> Void,
        sample: @escaping () -> Sample
    ) {
        self.name = name
        self.warmupStart = warmupStart
        self.measureStart = measureStart
        self.measureEnd = measureEnd
        self.totalOperations = totalOperations
        self.enabled = enabled
        self.terminal = terminal
        self.log = log
        self.flush = flush
        self.sample = sample
    }

    /// The workers' last intervals merged, once every worker has published one.
    static func sample(_ workers: [LoadWorker]) -> Sample {
        let mismatches = workers.reduce(UInt64(0)) { $0 + $1.mismatchCount.load(ordering: .relaxed) }
        var merged = LatencyHistogram.make()
        for w in workers {
            guard let h = w.lastInterval.withLock({ $0 }) else { return Sample(interval: nil, mismatches: mismatches) }
            merged.add(h)
        }
        return Sample(interval: workers.isEmpty ? nil : merged, mismatches: mismatches)
    }

    /// The line to show at `now`, or nil when there is nothing measured to show: before the
    /// run starts, and after warm-up until an interval holds operations.
    static func line(
        name: String, now: UInt64, warmupStart: UInt64?, measureStart: UInt64, measureEnd: UInt64?, sample: Sample,
        intervalSeconds: Double = 1
    ) -> String? {
        if now < measureStart {
            guard let start = warmupStart, start < measureStart, now >= start else { return nil }
            let warmup = Double(measureStart - start) / 1e9
            let left = Double(measureStart - now) / 1e9
            return String(format: "%@: warm-up %g s (not recorded), %.1f s left", name, warmup, left)
        }
        guard let interval = sample.interval, interval.totalCount > 0 else { return nil }
        let rate = Double(interval.totalCount) / intervalSeconds
        let p50 = Double(interval.valueAtPercentile(50)) / 1000
        let p99 = Double(interval.valueAtPercentile(99)) / 1000
        var left = ""
        if let end = measureEnd { left = String(format: ", %.0f s left", max(0, Double(Int64(end) - Int64(now)) / 1e9)) }
        return String(
            format: "%@: %.0f ops/s, p50 %.1f µs, p99 %.1f µs (last %g s), %llu mismatches%@",
            name, rate, p50, p99, intervalSeconds, sample.mismatches, left)
    }

    func tick(now: UInt64 = MonotonicClock.now()) {
        guard enabled else { return }
        let every: UInt64 = terminal ? 500_000_000 : 2_000_000_000
        if let last = lastPrint, now &- last < every { return }
        guard
            let line = Self.line(
                name: name, now: now, warmupStart: warmupStart, measureStart: measureStart, measureEnd: measureEnd,
                sample: sample())
        else { return }
        if terminal {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        } else {
            log(line)
            // `log` prints to stdout, which is block-buffered on a pipe: without this every
            // line would arrive at exit.
            flush()
        }
        lastPrint = now
    }

    func finish() {
        if enabled && terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
