import Foundation
import Histogram
import Testing

@testable import Reports

@Suite struct SummaryTests {
    @Test func summaryJSONIsPrettySortedAndVersioned() throws {
        let summary = Samples.report().summary
        let data = try SummaryJSON.encode(summary)
        let text = try #require(String(data: data, encoding: .utf8))
        #expect(text.hasPrefix("{\n  \"configuration\" : {"))
        #expect(text.contains("\"schema_version\" : 1"))
        #expect(text.contains("\"p99.9\" : "))
        #expect(text.contains("\"corrected_latency_ns\" : {"))
        #expect(try SummaryJSON.decode(data) == summary)
        // Keys are sorted at every level.
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["configuration", "machine", "run_name", "schema_version", "series", "shard_count", "started_at"])
    }

    @Test func newerSchemaIsRefused() throws {
        var summary = Samples.report().summary
        summary.schemaVersion = ReportSchema.version + 1
        #expect(throws: ReportError.unsupportedSchemaVersion(ReportSchema.version + 1)) {
            try SummaryJSON.decode(SummaryJSON.encode(summary))
        }
    }

    @Test func percentilesComeFromTheHistogram() {
        var h = Histogram<UInt64>(highestTrackableValue: 3_600_000_000_000, numberOfSignificantValueDigits: .three)
        for v in 1...100_000 { h.record(UInt64(v) * 1000) }
        let p = LatencyPercentiles(histogram: h)
        #expect(p.p50 == h.valueAtPercentile(50))
        #expect(p.p99_999 == h.valueAtPercentile(99.999))
        #expect(p.max == h.max)
        // Within 3 significant digits of the exact sample values.
        #expect(abs(Double(p.p50) - 50_000_000) / 50_000_000 < 0.001)
        #expect(abs(Double(p.p99) - 99_000_000) / 99_000_000 < 0.001)
        #expect(abs(p.mean - 50_000_500) / 50_000_500 < 0.001)
        #expect(
            LatencyPercentiles(histogram: Histogram<UInt64>())
                == LatencyPercentiles(
                    p50: 0, p75: 0, p90: 0, p99: 0, p99_9: 0,
                    p99_99: 0, p99_999: 0, max: 0, mean: 0))
    }

    @Test func markdownHasATablePerSeries() {
        let summary = Samples.report().summary
        let md = MarkdownReport.render(summary)
        for series in summary.series {
            #expect(md.contains("## \(series.name)\n"))
        }
        #expect(md.components(separatedBy: "| percentile | corrected µs | uncorrected µs |").count == summary.series.count + 1)
        #expect(md.contains("| allow | "))
        #expect(md.contains("| expired | "))
        #expect(!md.contains("FAILED"))
        var failing = summary
        failing.series[0].mismatches = 3
        #expect(MarkdownReport.render(failing).contains("**FAILED: 3 decisions"))
    }

    @Test func machineFilesParse() {
        let cpuinfo = "processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t: x\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n"
        let parsed = MachineInfo.parseCPUInfo(cpuinfo)
        #expect(parsed.model == "AMD EPYC 7B13")
        #expect(parsed.count == 2)
        #expect(MachineInfo.parseCPUInfo("processor : 0\nCPU part : 0xd0c\n").model == "0xd0c")
        #expect(
            MachineInfo.parseOSRelease("NAME=\"Debian\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n")
                == "Debian GNU/Linux 12 (bookworm)")
        let current = MachineInfo.current(swiftVersion: "6.3.1", openSSLVersion: "OpenSSL 3")
        #expect(current.cpuCount >= 1)
        #expect(current.kernel.hasPrefix("Linux "))
        #expect(current.swiftVersion == "6.3.1")
    }

    @Test func timestampsAreISO8601WithMilliseconds() {
        let date = Date(timeIntervalSince1970: 1_700_000_000.25)
        #expect(LoadRunSummary.timestamp(date) == "2023-11-14T22:13:20.250Z")
        #expect(LoadRunSummary.parseTimestamp("2023-11-14T22:13:20.250Z") == date)
        #expect(LoadRunSummary.parseTimestamp("2023-11-14T22:13:20Z") == Date(timeIntervalSince1970: 1_700_000_000))
    }
}
