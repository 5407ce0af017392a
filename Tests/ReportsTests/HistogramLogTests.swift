import Foundation
import Histogram
import Testing

@testable import Reports

@Suite struct HistogramLogTests {
    /// Three tags, four intervals each, different sample sets.
    func sampleIntervals() -> [IntervalHistogram] {
        var intervals: [IntervalHistogram] = []
        for second in 0..<4 {
            for (t, tag) in ["RS256-1t", "RS256-1t.uncorrected", "ES256-2t"].enumerated() {
                let values = Samples.latencies(seed: UInt64(second * 10 + t), count: 500 + 100 * t)
                intervals.append(
                    IntervalHistogram(
                        tag: tag, startSeconds: Double(second), lengthSeconds: 1,
                        histogram: Samples.histogram(values)))
            }
        }
        return intervals
    }

    @Test func writtenLogReadsBackWithIdenticalCounts() throws {
        let start = Date(timeIntervalSince1970: 1_700_000_000.125)
        var writer = try HistogramLogWriter(startTime: start)
        let intervals = sampleIntervals()
        for interval in intervals { try writer.append(interval) }
        // An untagged line too: the format allows mixing.
        let untagged = IntervalHistogram(startSeconds: 4, lengthSeconds: 0.5, histogram: Samples.histogram([1000, 2000]))
        try writer.append(untagged)

        let lines = writer.text.split(separator: "\n")
        #expect(lines[0] == "#[Logged with jwtbench]")
        #expect(lines[1] == "#[Histogram log format version 1.3]")
        #expect(lines[2].hasPrefix("#[StartTime: 1700000000.125 (seconds since epoch), Tue Nov 14 22:13:20 UTC 2023]"))
        #expect(lines[3] == "#[BaseTime: 1700000000.125 (seconds since epoch)]")
        #expect(lines[4] == "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"")
        #expect(lines[5].hasPrefix("Tag=RS256-1t,0.000,1.000,"))
        #expect(lines.last!.hasPrefix("4.000,0.500,0.002,HISTF"))

        let log = try HistogramLogReader.parse(writer.text)
        #expect(log.startTime == 1_700_000_000.125)
        #expect(log.baseTime == 1_700_000_000.125)
        #expect(log.intervals.count == intervals.count + 1)
        for (read, written) in zip(log.intervals, intervals + [untagged]) {
            #expect(read.tag == written.tag)
            #expect(read.startSeconds == written.startSeconds)
            #expect(read.lengthSeconds == written.lengthSeconds)
            #expect(Samples.counts(read.histogram) == Samples.counts(written.histogram))
            #expect(read.histogram == written.histogram)
        }
        #expect(log.tags == ["RS256-1t", "RS256-1t.uncorrected", "ES256-2t", nil])
        #expect(log.absoluteStartSeconds(of: log.intervals[3]) == 1_700_000_001.125)
        // Rendering the parsed log gives the same text (the comment and version are kept once).
        #expect(try HistogramLogWriter.render(log) == writer.text)
    }

    @Test func maxColumnIsMillisecondsByDefault() throws {
        var writer = try HistogramLogWriter(startTime: nil, comments: [])
        try writer.append(Samples.histogram([1_933_000]), tag: nil, startSeconds: 0.126, lengthSeconds: 1.007)
        #expect(writer.text.split(separator: "\n").last!.hasPrefix("0.126,1.007,1.933,HISTF"))
        var micros = try HistogramLogWriter(startTime: nil, comments: [], maxValueUnitRatio: 1000)
        try micros.append(Samples.histogram([1_933_000]), tag: nil, startSeconds: 0, lengthSeconds: 1)
        #expect(micros.text.split(separator: "\n").last!.hasPrefix("0.000,1.000,1933.311,"))
    }

    @Test func readsJavaTaggedLogs() throws {
        let log = try HistogramLogReader.parse(JavaLogFixtures.tagged)
        #expect(log.tags == ["A", "B", "C"])
        #expect(log.intervals(tagged: "B").map(\.startSeconds) == [0.127, 1.134])
        let maxB = Double(try #require(log.intervals(tagged: "B").first).histogram.max) / 1_000_000
        #expect(String(format: "%.3f", maxB) == "2.769")
        let merged = try HistogramMerge.mergeByTag([log])
        #expect(Set(merged.keys) == ["A", "B", "C"])
        #expect(merged["A"]?.totalCount == log.intervals(tagged: "A").reduce(0) { $0 + $1.histogram.totalCount })
    }

    @Test func javaBaseTimeRule() throws {
        // No BaseTime and timestamps far below StartTime: they are relative to StartTime.
        let log = try HistogramLogReader.parse(JavaLogFixtures.jHiccup)
        #expect(log.baseTime == nil)
        #expect(log.effectiveBaseTime == 1_441_753_532.570)
        // Timestamps close to StartTime are absolute.
        var absolute = try HistogramLogWriter(startTime: 1_000_000_000, comments: [])
        try absolute.append(Samples.histogram([5]), tag: nil, startSeconds: 1_000_000_001, lengthSeconds: 1)
        #expect(try HistogramLogReader.parse(absolute.text).effectiveBaseTime == 0)
    }

    @Test func mergingShardLogsEqualsTheHistogramOfAllSamples() throws {
        let shardA = Samples.latencies(seed: 1, count: 4000)
        let shardB = Samples.latencies(seed: 2, count: 3000) + [UInt64(90_000_000_000)]  // a 90 s outlier
        func log(_ values: [UInt64]) throws -> String {
            var writer = try HistogramLogWriter(startTime: Date(timeIntervalSince1970: 1_700_000_000))
            // Split each shard's samples over 1 s intervals, two tags.
            for (i, chunk) in stride(from: 0, to: values.count, by: 700).enumerated() {
                let slice = Array(values[chunk..<min(chunk + 700, values.count)])
                try writer.append(Samples.histogram(slice), tag: "lat", startSeconds: Double(i), lengthSeconds: 1)
                try writer.append(Samples.histogram(slice.map { $0 / 2 }), tag: "half", startSeconds: Double(i), lengthSeconds: 1)
            }
            return writer.text
        }
        let logs = [try HistogramLogReader.parse(log(shardA)), try HistogramLogReader.parse(log(shardB))]
        let merged = try HistogramMerge.mergeByTag(logs)
        let all = Samples.histogram(shardA + shardB)
        #expect(merged["lat"] == all)
        #expect(Samples.counts(try #require(merged["lat"])) == Samples.counts(all))
        #expect(merged["lat"]?.valueAtPercentile(99.9) == all.valueAtPercentile(99.9))
        #expect(merged["lat"]?.max == all.max)
        #expect(merged["half"] == Samples.histogram((shardA + shardB).map { $0 / 2 }))
    }

    @Test func alignIntervalsCombinesSlotsLosslessly() throws {
        let a = IntervalHistogram(tag: "x", startSeconds: 0.2, lengthSeconds: 1, histogram: Samples.histogram([10, 20]))
        let b = IntervalHistogram(tag: "x", startSeconds: 0.9999999, lengthSeconds: 1, histogram: Samples.histogram([30]))
        let c = IntervalHistogram(tag: "x", startSeconds: 1.4, lengthSeconds: 1, histogram: Samples.histogram([40]))
        let aligned = try HistogramMerge.alignIntervals([a, b, c], bucketSeconds: 1)
        #expect(aligned.map(\.startSeconds) == [0, 1])
        #expect(aligned[0].histogram == Samples.histogram([10, 20]))
        #expect(aligned[1].histogram == Samples.histogram([30, 40]))
    }

    @Test func mergeRefusesDifferentLayouts() {
        #expect(throws: HistogramLogError.self) {
            try HistogramMerge.merge([Samples.histogram([5]), Samples.histogram([5], lowest: 1000)])
        }
    }

    @Test func badTagsAndLinesAreNamed() throws {
        var writer = try HistogramLogWriter(startTime: nil)
        for tag in ["", "a,b", "a b", "a\nb"] {
            #expect(throws: HistogramLogError.invalidTag(tag)) {
                try writer.append(Samples.histogram([1]), tag: tag, startSeconds: 0, lengthSeconds: 1)
            }
        }
        #expect(throws: HistogramLogError.malformedLine(line: 2, reason: "expected start,length,max,histogram but found 2 fields")) {
            try HistogramLogReader.parse("#c\n1.0,2.0\n")
        }
        #expect(throws: HistogramLogError.malformedLine(line: 1, reason: "start, length or max is not a number")) {
            try HistogramLogReader.parse("x,1,1,HISTFAAAAA==\n")
        }
        #expect(throws: HistogramLogError.invalidHistogram(line: 1, .invalidBase64)) {
            try HistogramLogReader.parse("Tag=a,0,1,1,@@@\n")
        }
    }
}
