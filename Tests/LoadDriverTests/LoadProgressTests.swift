import Foundation
import Histogram
import JWTValidation
import Measurement
import Reports
import Synchronization
import Testing

@testable import LoadDriver

/// What the live progress prints, and when; no timing assertions (times are passed in).
@Suite struct LoadProgressTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        func append(_ line: String) { lines.withLock { $0.append(line) } }
    }

    struct Allow: LoadTarget {
        func decide(_ index: Int) -> ReasonCode? { nil }
    }

    static func worker() -> LoadWorker {
        LoadWorker(
            plan: .init(
                target: Allow(), expected: [nil], algorithmIndex: [0], ids: ["a"], algorithmCount: 1, offset: 0,
                interval: nil, phase: 0, intervals: 2, operationLimit: nil))
    }

    @Test func noFiguresBeforeTheFirstIntervalHasData() {
        // Measuring started, but no worker has finished an interval: nothing was measured yet.
        let lines = Lines()
        let now = MonotonicClock.now()
        let progress = LoadProgress(
            name: "s", workers: [Self.worker()], measureStart: now - 1_000_000, measureEnd: now + 10_000_000_000,
            totalOperations: nil, enabled: true, log: { lines.append($0) })
        progress.tick()
        #expect(!lines.all.contains { $0.contains("ops/s") || $0.contains("µs") }, "\(lines.all)")
    }

    /// 900 operations at 20 µs and 100 at 40 µs in one interval.
    static func interval() -> Histogram<UInt64> {
        var h = LatencyHistogram.make()
        h.record(20_000, count: 900)
        h.record(40_000, count: 100)
        return h
    }

    static let second: UInt64 = 1_000_000_000

    static func line(at now: UInt64, warmupStart: UInt64? = 1000 * second, interval: Histogram<UInt64>?) -> String? {
        LoadProgress.line(
            name: "s", now: now, warmupStart: warmupStart, measureStart: 1002 * second, measureEnd: 1012 * second,
            sample: .init(interval: interval, mismatches: 3))
    }

    @Test func warmUpShowsALineWithoutFigures() {
        #expect(Self.line(at: 1000 * Self.second + Self.second / 2, interval: nil) == "s: warm-up 2 s (not recorded), 1.5 s left")
        // Before the threads start, and in a run without warm-up, there is nothing to say.
        #expect(Self.line(at: 999 * Self.second, interval: nil) == nil)
        #expect(Self.line(at: 1001 * Self.second, warmupStart: nil, interval: nil) == nil)
    }

    @Test func measuredLinesWaitForAnIntervalWithData() {
        let now = 1002 * Self.second + Self.second / 2
        #expect(Self.line(at: now, interval: nil) == nil)
        #expect(Self.line(at: now, interval: LatencyHistogram.make()) == nil)
    }

    @Test func rateAndPercentilesComeFromTheSameInterval() {
        // 1000 operations in the 1 s interval: 1000 ops/s, p50 20 µs and p99 40 µs of the same ones.
        #expect(
            Self.line(at: 1004 * Self.second, interval: Self.interval())
                == "s: 1000 ops/s, p50 20.0 µs, p99 40.0 µs (last 1 s), 3 mismatches, 8 s left")
    }

    @Test func eachPrintedLineIsFlushedAndSkippedTicksPrintNothing() {
        let lines = Lines()
        let flushes = Mutex(0)
        let published = Mutex<Histogram<UInt64>?>(nil)
        let progress = LoadProgress(
            name: "s", warmupStart: 1000 * Self.second, measureStart: 1002 * Self.second, measureEnd: 1012 * Self.second,
            totalOperations: nil, enabled: true, terminal: false, log: { lines.append($0) },
            flush: { flushes.withLock { $0 += 1 } },
            sample: { .init(interval: published.withLock { $0 }, mismatches: 0) })
        progress.tick(now: 1000 * Self.second + Self.second / 4)  // warm-up line
        progress.tick(now: 1001 * Self.second)  // within 2 s of the last line
        progress.tick(now: 1002 * Self.second + Self.second / 2)  // measuring, no interval yet: skipped
        published.withLock { $0 = Self.interval() }
        progress.tick(now: 1003 * Self.second)  // first interval done
        #expect(lines.all.count == 2)
        #expect(lines.all.first?.contains("warm-up 2 s") == true)
        #expect(lines.all.last?.hasPrefix("s: 1000 ops/s, p50 20.0 µs") == true)
        #expect(flushes.withLock { $0 } == 2)
    }
}
