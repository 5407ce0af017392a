import Foundation
import Testing

@testable import Reports

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite struct LatencyThroughputCurveTests {
    /// An open-loop point at `offered` ops/s that completed `achieved`, with corrected p99 `p99Micros`.
    static func point(_ offered: Double, achieved: Double? = nil, p99Micros: UInt64, workload: String = "RS256", threads: Int = 2)
        -> SeriesSummary
    {
        let p = LatencyPercentiles(
            p50: p99Micros * 500, p75: p99Micros * 700, p90: p99Micros * 900, p99: p99Micros * 1000, p99_9: p99Micros * 1500,
            p99_99: p99Micros * 2000, p99_999: p99Micros * 2500, max: p99Micros * 3000, mean: Double(p99Micros * 600))
        let rate = achieved ?? offered
        return SeriesSummary(
            name: "\(workload)-open-\(threads)t-\(Int(offered))ps", workload: workload, threads: threads, mode: .open,
            targetRatePerSecond: offered, durationSeconds: 4, operations: UInt64(rate * 4), operationsPerSecond: rate,
            correctedLatencyNanos: p, uncorrectedLatencyNanos: p)
    }

    static func summary(_ series: [SeriesSummary], slo: LatencySLO? = nil) -> LoadRunSummary {
        var configuration = Samples.configuration
        configuration.slo = slo
        configuration.rateSweep = slo == nil ? nil : "25%,50%,75%,100%"
        return LoadRunSummary(
            runName: "sweep", startedAt: "2026-01-01T00:00:00.000Z", configuration: configuration, machine: Samples.machine,
            series: series)
    }

    static let slo = LatencySLO(level: .p99, nanoseconds: 1_000_000)

    @Test func curvesGroupOpenSeriesByWorkloadAndThreadsSortedByRate() {
        let closed = SeriesSummary(
            name: "RS256-closed-2t", workload: "RS256", threads: 2, mode: .closed, durationSeconds: 4, operations: 40_000,
            correctedLatencyNanos: Self.point(1, p99Micros: 1).correctedLatencyNanos,
            uncorrectedLatencyNanos: Self.point(1, p99Micros: 1).uncorrectedLatencyNanos)
        let series = [
            closed, Self.point(7500, p99Micros: 900), Self.point(2500, p99Micros: 200), Self.point(5000, p99Micros: 400),
            Self.point(3000, p99Micros: 100, workload: "ES256"),  // a single point is not a curve
        ]
        let curves = LatencyThroughputCurve.curves(in: Self.summary(series))
        #expect(curves.count == 1)
        #expect(curves[0].points.map(\.targetRatePerSecond) == [2500, 5000, 7500])
        #expect(curves[0].capacity == 10_000)
        #expect(curves[0].highestRate(meeting: Self.slo) == 7500)
        #expect(curves[0].verdict(Self.slo).contains("7,500 ops/s (75% of the closed-loop capacity)"))
    }

    @Test func theHighestRateNeedsEveryLowerPointToMeetTheObjective() {
        // 5000 misses the SLO; 7500 meets it by luck, which does not count.
        let curve = LatencyThroughputCurve.curves(
            in: Self.summary([Self.point(2500, p99Micros: 200), Self.point(5000, p99Micros: 3000), Self.point(7500, p99Micros: 500)]))[0]
        #expect(curve.highestRate(meeting: Self.slo) == 2500)
        // A point that fell behind its offered rate does not count either, whatever its latency.
        let behind = LatencyThroughputCurve.curves(
            in: Self.summary([Self.point(2500, p99Micros: 200), Self.point(5000, achieved: 4000, p99Micros: 100)]))[0]
        #expect(!LatencyThroughputCurve.keptUp(behind.points[1]))
        #expect(behind.highestRate(meeting: Self.slo) == 2500)
        let none = LatencyThroughputCurve.curves(in: Self.summary([Self.point(2500, p99Micros: 2000), Self.point(5000, p99Micros: 100)]))[0]
        #expect(none.highestRate(meeting: Self.slo) == nil)
        #expect(none.verdict(Self.slo).hasPrefix("no offered rate met p99 <= 1000"))
    }

    @Test func reportsDrawTheCurveAndNameTheRate() throws {
        let summary = Self.summary([Self.point(2500, p99Micros: 200), Self.point(5000, p99Micros: 400)], slo: Self.slo)
        let html = HTMLReport.render(RunReport(summary: summary, histograms: [:]))
        #expect(html.contains("id=\"chart-curve\""))
        #expect(html.contains("highest offered rate meeting p99 &lt;= 1000 µs: 5,000 ops/s"))
        _ = try XMLDocument(data: Data(html.utf8), options: [])
        let md = MarkdownReport.render(summary)
        #expect(md.contains("## Latency against offered load: RS256, 2 threads"))
        #expect(md.contains("| 5,000 | 5,000 | 200.0 | 400.0 | 600.0 | yes |"))
        #expect(md.contains("**highest offered rate meeting p99 <= 1000 µs: 5,000 ops/s**"))
        // The objective and the sweep travel in summary.json.
        let decoded = try SummaryJSON.decode(SummaryJSON.encode(summary))
        #expect(decoded.configuration.slo == Self.slo)
        #expect(decoded.configuration.rateSweep == "25%,50%,75%,100%")
        // Without a sweep there is no curve section.
        let plain = Samples.report()
        #expect(!HTMLReport.render(plain).contains("chart-curve"))
        #expect(!MarkdownReport.render(plain.summary).contains("offered load"))
    }
}
