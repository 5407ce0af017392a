import Foundation
import JOSECrypto
import LoadDriver
import Measurement
import Reports
import Testing
import TokenMint

@Suite struct RateSweepTests {
    @Test func sharesAndRatesParse() throws {
        let sweep = try RateSweep(parsing: "10%, 50%,2500/s,1000")
        #expect(sweep.points == [.share(0.1), .share(0.5), .rate(2500), .rate(1000)])
        #expect(sweep.needsCapacity)
        #expect(sweep.rate(.share(0.5), capacity: 8000) == 4000)
        #expect(sweep.rate(.share(0.5), capacity: 0) == 1)
        #expect(sweep.suffix(.share(0.3)) == "30pct" && sweep.suffix(.rate(2500)) == "2500ps")
        #expect(try !RateSweep(parsing: "100/s,200").needsCapacity)
        for bad in ["", "0%", "-5%", "2000%", "fast", "50%,,60%", "abc%"] {
            #expect(throws: HarnessError.self, "\(bad)") { try RateSweep(parsing: bad) }
        }
    }

    @Test func objectivesParse() throws {
        #expect(try LatencySLO(parsing: "p99=5ms") == LatencySLO(level: .p99, nanoseconds: 5_000_000))
        #expect(try LatencySLO(parsing: "p99.9 = 250us") == LatencySLO(level: .p99_9, nanoseconds: 250_000))
        for bad in ["p99", "p42=1ms", "p99=", "p99=0ms", "p99=soon", "=1ms"] {
            #expect(throws: HarnessError.self, "\(bad)") { try LatencySLO(parsing: bad) }
        }
    }

    @Test func aSweepRunsTheClosedLoopThenEachRateAndGivesACurve() async throws {
        let run = LoadRun(
            .init(
                algorithms: [.hs256], mix: try WorkloadMix(parsing: "good=1"), mixSpec: "good=1", sizes: [.typical], threads: [1],
                options: LoadOptions(durationSeconds: 0.3, warmupSeconds: 0, progress: false), seed: 1, corpusSize: 32,
                perAlgorithm: true, backend: OpenSSLBackend(), runName: "sweep",
                sweep: try RateSweep(parsing: "10%,20%"), slo: LatencySLO(level: .p99, nanoseconds: 1_000_000_000)))
        let lines = LogLines()
        let outcome = try await onOwnThread { try run.execute(keySet: try TestKeySet.loadDefault()) { lines.append($0) } }
        let series = outcome.report.summary.series
        #expect(series.map(\.name) == ["HS256-closed-1t", "HS256-open-1t-10pct", "HS256-open-1t-20pct"])
        let capacity = series[0].operationsPerSecond
        #expect(series[1].mode == .open && series[1].targetRatePerSecond == max(1, capacity * 0.1))
        #expect(outcome.mismatches == 0)
        let curves = LatencyThroughputCurve.curves(in: outcome.report.summary)
        #expect(curves.count == 1 && curves[0].capacity == capacity)
        #expect(outcome.report.summary.configuration.rateSweep == "10%,20%")
        #expect(lines.all.contains { $0.hasPrefix("HS256") && $0.contains("meeting p99") })

        // A known capacity (the main job's) skips the closed-loop series.
        var known = run.configuration
        known.sweep = try RateSweep(parsing: "10%,20%", knownCapacity: 5000)
        let again = try await onOwnThread { [known] in try LoadRun(known).execute(keySet: try TestKeySet.loadDefault()) { _ in } }
        #expect(again.report.summary.series.compactMap(\.targetRatePerSecond) == [500, 1000])
    }
}

/// Log lines collected from the run's `@Sendable` log callback.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
