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
        // Other shards of the run: they start at other times (the same start is the same shard).
        var b = Samples.report(startedAt: Date(timeIntervalSince1970: 1_700_000_001))
        b.summary.series.removeLast()
        #expect(throws: ReportError.self) { try ReportMerger.merge([a, b]) }
        #expect(throws: ReportError.noShards) { try ReportMerger.merge([]) }
        var c = Samples.report(startedAt: Date(timeIntervalSince1970: 1_700_000_002))
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
        let other = Samples.report(startedAt: Date(timeIntervalSince1970: 1_700_000_000.5))
        try other.write(to: directory.appendingPathComponent("b"))
        let readB = try RunReport(contentsOf: directory.appendingPathComponent("b"))
        let merged = try ReportMerger.merge([read, readB])
        try merged.write(to: directory.appendingPathComponent("merged"))
        let reread = try RunReport(contentsOf: directory.appendingPathComponent("merged"))
        #expect(reread.summary.series[0].operations == 2 * report.summary.series[0].operations)
        #expect(reread.summary == merged.summary)
    }

    /// Two shards of `--shard i/2` as written before run ids existed (each said `shard_count`
    /// 2) and as written now (each with a run id).
    static func shardPair(withRunIDs: Bool) -> (RunReport, RunReport) {
        var a = Samples.report(seedOffset: 0, startedAt: Date(timeIntervalSince1970: 1_700_000_000.0))
        var b = Samples.report(seedOffset: 7, startedAt: Date(timeIntervalSince1970: 1_700_000_000.4))
        a.summary.configuration.shard = "0/2"
        b.summary.configuration.shard = "1/2"
        if withRunIDs {
            a.summary.runID = "run-a"
            b.summary.runID = "run-b"
        } else {
            a.summary.shardCount = 2
            b.summary.shardCount = 2
        }
        return (a, b)
    }

    @Test(arguments: [false, true])
    func shardCountIsTheNumberOfShardsMergedAndTheyAreListed(withRunIDs: Bool) throws {
        let (a, b) = Self.shardPair(withRunIDs: withRunIDs)
        var warnings: [String] = []
        let merged = try ReportMerger.merge([a, b]) { warnings.append($0) }
        #expect(warnings.isEmpty)
        #expect(merged.summary.shardCount == 2)
        let ids = withRunIDs ? ["run-a", "run-b"] : ["test-run@2023-11-14T22:13:20.000Z", "test-run@2023-11-14T22:13:20.400Z"]
        #expect(merged.summary.mergedShards?.map(\.id) == ids)
        #expect(merged.summary.mergedShards?.map(\.shard) == ["0/2", "1/2"])
        #expect(merged.summary.runID != nil && merged.summary.runID != a.summary.runID)
        // Additive to the schema: the new keys round-trip, and old summaries decode without them.
        let json = try JSONSerialization.jsonObject(with: try SummaryJSON.encode(merged.summary)) as? [String: Any] ?? [:]
        #expect(json["shard_count"] as? Int == 2)
        #expect((json["merged_shards"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ids)
        #expect(try SummaryJSON.decode(try SummaryJSON.encode(merged.summary)) == merged.summary)
        // A merged report merged with a further shard counts the shards, not the reports.
        var c = Samples.report(seedOffset: 3, startedAt: Date(timeIntervalSince1970: 1_700_000_001.0))
        c.summary.runID = "run-c"
        let again = try ReportMerger.merge([merged, c]) { warnings.append($0) }
        #expect(again.summary.shardCount == 3)
        #expect(again.summary.mergedShards?.map(\.id) == ids + ["run-c"])
    }

    @Test(arguments: [false, true])
    func theSameShardTwiceIsRefused(withRunIDs: Bool) throws {
        let (a, b) = Self.shardPair(withRunIDs: withRunIDs)
        let id = withRunIDs ? "run-a" : "test-run@2023-11-14T22:13:20.000Z"
        #expect(throws: ReportError.duplicateShard(id)) { try ReportMerger.merge([a, b, a]) { _ in } }
        // Also when the shard is already inside a merged report.
        let merged = try ReportMerger.merge([a, b]) { _ in }
        #expect(throws: ReportError.duplicateShard(id)) { try ReportMerger.merge([merged, a]) { _ in } }
    }

    @Test func differentlyConfiguredShardsMergeWithOneWarning() throws {
        var (a, b) = Self.shardPair(withRunIDs: true)
        b.summary.configuration.durationSeconds = 5
        b.summary.configuration.mix = "good=1"
        b.summary.configuration.algorithms = ["RS256"]
        var warnings: [String] = []
        let merged = try ReportMerger.merge([a, b]) { warnings.append($0) }
        #expect(merged.summary.shardCount == 2)
        #expect(warnings.count == 1, "\(warnings)")
        let line = warnings.first ?? ""
        #expect(!line.contains("\n"))
        #expect(line.contains("duration_seconds 3 vs 5"), "\(line)")
        #expect(line.contains("mix good=90,expired=10 vs good=1"), "\(line)")
        #expect(line.contains("algorithms RS256,ES256 vs RS256"), "\(line)")
        #expect(!line.contains("sizes") && !line.contains("warmup"), "\(line)")
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
