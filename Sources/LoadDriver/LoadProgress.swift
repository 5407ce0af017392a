import Foundation
import Histogram
import Measurement
import Reports

/// Live progress while a series runs: rate, p50 and p99 of the last second, mismatches and
/// time left. A rewritten line on a terminal; a plain line every few seconds otherwise.
final class LoadProgress {
    let name: String
    let workers: [LoadWorker]
    let measureStart: UInt64
    let measureEnd: UInt64?
    let totalOperations: Int?
    let enabled: Bool
    let log: @Sendable (String) -> Void
    private let terminal = isatty(2) != 0
    private var lastPrint: UInt64 = 0
    private var lastOps: UInt64 = 0
    private var lastTime: UInt64 = 0

    init(
        name: String, workers: [LoadWorker], measureStart: UInt64, measureEnd: UInt64?, totalOperations: Int?,
        enabled: Bool, log: @escaping @Sendable (String) -> Void
    ) {
        self.name = name
        self.workers = workers
        self.measureStart = measureStart
        self.measureEnd = measureEnd
        self.totalOperations = totalOperations
        self.enabled = enabled
        self.log = log
    }

    func tick() {
        guard enabled else { return }
        let now = MonotonicClock.now()
        let every: UInt64 = terminal ? 500_000_000 : 2_000_000_000
        guard now >= measureStart, now - lastPrint >= every else { return }
        let ops = workers.reduce(UInt64(0)) { $0 + $1.progress.load(ordering: .relaxed) }
        let rate = lastTime == 0 ? 0 : Double(ops &- lastOps) / (Double(now - lastTime) / 1e9)
        var recent = LatencyHistogram.make()
        for w in workers { if let h = w.lastInterval.withLock({ $0 }) { recent.add(h) } }
        let mismatches = workers.reduce(UInt64(0)) { $0 + $1.mismatchCount.load(ordering: .relaxed) }
        var left = ""
        if let end = measureEnd { left = String(format: ", %.0f s left", max(0, Double(Int64(end) - Int64(now)) / 1e9)) }
        let p50 = Double(recent.valueAtPercentile(50)) / 1000
        let p99 = Double(recent.valueAtPercentile(99)) / 1000
        let line = String(
            format: "%@: %.0f ops/s, p50 %.1f µs, p99 %.1f µs (last 1 s), %llu mismatches%@",
            name, rate, p50, p99, mismatches, left)
        if terminal {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        } else {
            log(line)
        }
        lastPrint = now
        lastOps = ops
        lastTime = now
    }

    func finish() {
        if enabled && terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
