import Foundation
import Testing

@testable import Reports

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The percentile chart's latency axis and the run table's labels.
@Suite struct HTMLReportAxesTests {
    /// A closed-loop series at 20-40 µs beside an open-loop one whose tail reaches 200 ms.
    static func report() -> RunReport {
        var rng = SplitMix64(state: 7)
        let fast = (0..<3000).map { _ in 20_000 + rng.next() % 20_000 }
        let slow = fast.map { $0 * 2 } + [200_000_000]
        func series(_ name: String, _ values: [UInt64], mode: LoadMode) -> (SeriesSummary, SeriesHistograms) {
            let interval = IntervalHistogram(startSeconds: 0, lengthSeconds: 1, histogram: Samples.histogram(values))
            let histograms = SeriesHistograms(corrected: [interval], uncorrected: [interval])
            let summary = SeriesSummary(
                name: name, workload: "RS256", threads: 1, mode: mode, targetRatePerSecond: mode == .open ? 1000 : nil,
                durationSeconds: 1, operations: UInt64(values.count),
                corrected: try! histograms.correctedTotal(), uncorrected: try! histograms.uncorrectedTotal(),
                countsByAlgorithm: [:], countsByReason: [:], allocationsPerOperation: nil, bytesPerOperation: nil,
                backendByAlgorithm: [:])
            return (summary, histograms)
        }
        let a = series("closed", fast, mode: .closed)
        let b = series("open", slow, mode: .open)
        let summary = LoadRunSummary(
            runName: "axes", startedAt: Date(timeIntervalSince1970: 1_700_000_000), configuration: Samples.configuration,
            machine: Samples.machine, series: [a.0, b.0])
        return RunReport(summary: summary, histograms: ["closed": a.1, "open": b.1])
    }

    /// The y coordinates of a polyline's points in the rendered page.
    static func yCoordinates(of series: String, in html: String) throws -> [Double] {
        let marker = "data-series=\"\(series)\" points=\""
        let start = try #require(html.range(of: marker))
        let rest = html[start.upperBound...]
        let end = try #require(rest.firstIndex(of: "\""))
        return rest[..<end].split(separator: " ").compactMap { $0.split(separator: ",").last.flatMap { Double($0) } }
    }

    @Test func aTwentyToFortyMicrosecondSeriesIsNotDrawnFlat() throws {
        let html = HTMLReport.render(Self.report())
        let ys = try Self.yCoordinates(of: "closed corrected", in: html)
        #expect(ys.count > 10)
        // A pixel is 1.0 here; 20 µs to 40 µs must span a visible height, not hug the axis.
        #expect((ys.max() ?? 0) - (ys.min() ?? 0) > 8)
    }

    @Test func latencyAxisIsLogarithmicWithDecadeTicks() throws {
        let report = Self.report()
        let chart = HTMLReport.percentileChart(report.summary, HTMLReport.seriesTotals(report))
        #expect(chart.yScale == .log)
        let values = chart.yTicks.map(\.value)
        #expect(values.count >= 2)
        for value in values { #expect(ChartTick.pow10(Int(log10(value).rounded())) == value) }
        // Consecutive decades, covering 20 µs to 200 ms.
        for (low, high) in zip(values, values.dropFirst()) { #expect(high == low * 10) }
        #expect(values.first! <= 20 && values.last! >= 200_000)
        #expect(chart.yTicks.map(\.label).prefix(2) == ["10 µs", "100 µs"])
        // Decades are evenly spaced on the page.
        let gaps = zip(values, values.dropFirst()).map { chart.yPosition($0.0) - chart.yPosition($0.1) }
        #expect(gaps.allSatisfy { abs($0 - gaps[0]) < 1e-6 && $0 > 0 })
        // The other charts keep their linear axes.
        #expect(HTMLReport.scalingChart(report.summary).yScale == .linear)
    }

    @Test func logTicksSpanTheDataAndSurviveZerosAndEmptyCharts() {
        #expect(ChartTick.logDecades(from: 20, upTo: 40).map(\.value) == [10, 100])
        #expect(ChartTick.logDecades(from: 1, upTo: 1000).map(\.value) == [1, 10, 100, 1000])
        #expect(
            ChartTick.logDecades(from: 0.3, upTo: 2_500_000).map(\.label) == [
                "0.1 µs", "1 µs", "10 µs", "100 µs", "1 ms", "10 ms", "100 ms", "1 s", "10 s",
            ])
        #expect(ChartTick.logDecades(from: 0, upTo: 0).map(\.value) == [1, 10])
    }

    @Test func runTableShowsHumanLabelsAndNoEmptyRows() throws {
        var report = Samples.report()
        report.summary.configuration.extra = [
            "catalogueMintRate": "51234", "count": "", "perAlgorithm": "true", "openLoopShare": "0.5",
        ]
        let table = HTMLReport.runTable(report.summary)
        #expect(table.contains("<th>catalogue mint rate</th><td>51234</td>"))
        #expect(table.contains("<th>per algorithm</th>"))
        #expect(table.contains("<th>open loop share</th>"))
        #expect(!table.contains("catalogueMintRate") && !table.contains("perAlgorithm"))
        #expect(!table.contains("<th>count</th>"))
        #expect(!table.contains("<td></td>"))
        #expect(HTMLReport.label(forExtraKey: "catalogueMintRate") == "catalogue mint rate")
        #expect(HTMLReport.label(forExtraKey: "corpus") == "corpus")
        #expect(HTMLReport.label(forExtraKey: "maxRPS") == "max RPS")
        #expect(HTMLReport.label(forExtraKey: "report: conformance") == "report: conformance")
        // The whole page still parses.
        _ = try XMLDocument(data: Data(HTMLReport.render(report).utf8), options: [])
    }
}
