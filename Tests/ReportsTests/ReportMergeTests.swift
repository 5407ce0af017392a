import Foundation
import Histogram
import Testing

@testable import Reports

@Suite struct ReportMergeTests {
    @Test func shardsMergeLosslessly() throws {
        let shardA = Samples.report(seedOffset: 0, startedAt: Date(timeIntervalSince1970: 1_700_000_000.0))
        let shardB = Samples.report(seedOffset: 7, startedAt: Date(timeIntervalSince1970: 1_700_000_000.4))
        let merged = try ReportMerger.merge([shardA, shardB])
        #expect(merged.summary.shardCount == 2)
        #expect(merged.summary.startedAt == "2023-11-14T22:13:20.000Z")
        for name in shardA.summary.series.map(\.name) {
            let a = try #require(shardA.summary.series(named: name))
            let b = try #require(shardB.summary.series(named: name))
            let m = try #require(merged.summary.series(named: name))
            #expect(m.operations == a.operations + b.operations)
            #expect(m.operationsPerSecond == a.operationsPerSecond + b.operationsPerSecond)
            #expect(m.countsByReason["allow"] == (a.countsByReason["allow"] ?? 0) + (b.countsByReason["allow"] ?? 0))
            #expect(m.threads == a.threads)
            // Percentiles come from the merged histogram, which equals the histogram of all samples.
            let all = try HistogramMerge.merge(
                shardA.histograms[name]!.corrected.map(\.histogram)
                    + shardB.histograms[name]!.corrected.map(\.histogram))
            let mergedTotal = try merged.histograms[name]!.correctedTotal()
            #expect(mergedTotal == all)
            #expect(m.correctedLatencyNanos == LatencyPercentiles(histogram: all))
            #expect(m.allocationsPerOperation == 12)
            // Intervals stay on one clock: B's 0.4 s later start lands in the same 1 s slots.
            #expect(merged.histograms[name]!.corrected.map(\.startSeconds) == [0, 1, 2])
        }
    }

    @Test func mismatchedShardsAreRefused() {
        let a = Samples.report()
        var b = Samples.report()
        b.summary.series.removeLast()
        #expect(throws: ReportError.self) { try ReportMerger.merge([a, b]) }
        #expect(throws: ReportError.noShards) { try ReportMerger.merge([]) }
        var c = Samples.report()
        c.histograms.removeValue(forKey: "RS256-2t")
        #expect(throws: ReportError.missingHistograms(series: "RS256-2t")) { try ReportMerger.merge([a, c]) }
    }

    @Test func reportDirectoryRoundTripsAndMerges() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reports-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = Samples.report()
        let written = try report.write(to: directory.appendingPathComponent("a"))
        #expect(
            Set(written.map(\.lastPathComponent)).isSuperset(of: [
                "summary.json", "summary.md", "index.html", "latency.hlog",
                "RS256-2t.hgrm", "RS256-2t.uncorrected.hgrm",
            ]))
        let read = try RunReport(contentsOf: directory.appendingPathComponent("a"))
        #expect(read.summary == report.summary)
        for (name, histograms) in report.histograms {
            #expect(read.histograms[name] == histograms)
        }
        // The .hgrm of a series is its merged corrected histogram's distribution.
        let hgrm = try String(contentsOf: directory.appendingPathComponent("a/RS256-2t.hgrm"), encoding: .utf8)
        #expect(hgrm == PercentileDistribution.text(of: try report.histograms["RS256-2t"]!.correctedTotal()))
        // What `report merge` does: read shard directories, merge, write the whole run.
        let merged = try ReportMerger.merge([read, read])
        try merged.write(to: directory.appendingPathComponent("merged"))
        let reread = try RunReport(contentsOf: directory.appendingPathComponent("merged"))
        #expect(reread.summary.series[0].operations == 2 * report.summary.series[0].operations)
    }

    @Test func invalidSeriesNamesAreRefused() {
        var report = Samples.report()
        report.summary.series[0].name = "RS256 2t"
        #expect(throws: ReportError.invalidSeriesName("RS256 2t")) { try report.validate() }
        report.summary.series[0].name = "RS256-2t"
        #expect(throws: ReportError.duplicateSeries("RS256-2t")) { try report.validate() }
        report.summary.series[0].name = "x.uncorrected"
        #expect(throws: ReportError.invalidSeriesName("x.uncorrected")) { try report.validate() }
    }
}
