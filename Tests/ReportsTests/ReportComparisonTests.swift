import Testing

@testable import Reports

@Suite struct ReportComparisonTests {
    /// The sample report with every series' corrected p99 and throughput scaled.
    func scaled(p99 p99Factor: Double = 1, throughput: Double = 1) -> LoadRunSummary {
        var summary = Samples.report().summary
        for i in summary.series.indices {
            summary.series[i].correctedLatencyNanos.p99 = UInt64(Double(summary.series[i].correctedLatencyNanos.p99) * p99Factor)
            summary.series[i].operationsPerSecond *= throughput
        }
        return summary
    }

    @Test func twentyPercentP99RegressionIsDetected() throws {
        let base = Samples.report().summary
        let comparison = try ReportComparison.compare(base: base, new: scaled(p99: 1.2), limits: "p99=10%,throughput=5%")
        #expect(!comparison.passed)
        #expect(comparison.regressions.count == base.series.count)
        let first = try #require(comparison.regressions.first)
        #expect(first.metric == "p99")
        #expect(first.series == base.series[0].name)
        #expect(first.base == Double(base.series[0].correctedLatencyNanos.p99))
        #expect(abs((first.change ?? 0) - 0.2) < 0.001)
        #expect(first.limit == 0.10)
        #expect(comparison.markdown().hasPrefix("**FAIL**"))
    }

    @Test func fivePercentP99ChangePasses() throws {
        let comparison = try ReportComparison.compare(
            base: Samples.report().summary, new: scaled(p99: 1.05),
            limits: "p99=10%,throughput=5%")
        #expect(comparison.passed)
        #expect(comparison.regressions.isEmpty)
        #expect(comparison.improvements.isEmpty)
        #expect(comparison.markdown().hasPrefix("**PASS**"))
    }

    @Test func throughputDirection() throws {
        let base = Samples.report().summary
        let slower = try ReportComparison.compare(base: base, new: scaled(throughput: 0.9), limits: "throughput=5%")
        #expect(slower.regressions.map(\.metric) == Array(repeating: "throughput", count: base.series.count))
        let faster = try ReportComparison.compare(base: base, new: scaled(throughput: 1.5), limits: "throughput=5%")
        #expect(faster.passed)
        #expect(faster.improvements.count == base.series.count)
        // Faster p99 is an improvement, not a regression.
        let quicker = try ReportComparison.compare(base: base, new: scaled(p99: 0.5), limits: "p99=10%")
        #expect(quicker.passed && quicker.improvements.count == base.series.count)
    }

    @Test func missingSeriesFails() throws {
        let base = Samples.report().summary
        var new = base
        new.series.removeFirst()
        let comparison = try ReportComparison.compare(base: base, new: new, limits: "p99=10%")
        #expect(!comparison.passed)
        #expect(comparison.missingSeries == [base.series[0].name])
    }

    @Test func limitsParse() throws {
        let limits = try ComparisonLimits(parsing: " p99 = 10% , throughput=5%,uncorrected.p99.9=2.5%,allocations=0% ")
        #expect(
            limits.limits.map(\.metric) == [
                .latency(.p99, corrected: true), .throughput,
                .latency(.p99_9, corrected: false), .allocationsPerOperation,
            ])
        #expect(limits.limits.map(\.fraction) == [0.10, 0.05, 0.025, 0])
    }

    @Test(arguments: [
        ("", ComparisonLimitsError.empty),
        (" , ", .empty),
        ("p99", .missingEquals("p99")),
        ("p98=10%", .unknownMetric("p98")),
        ("p99=10", .invalidPercentage("p99=10")),
        ("p99=-5%", .invalidPercentage("p99=-5%")),
        ("p99=abc%", .invalidPercentage("p99=abc%")),
        ("p99=10%,p99=20%", .duplicateMetric("p99")),
    ])
    func limitsErrors(text: String, error: ComparisonLimitsError) {
        #expect(throws: error) { try ComparisonLimits(parsing: text) }
        #expect(!error.description.isEmpty)
    }

    @Test func unknownMetricErrorListsTheKnownOnes() {
        #expect(ComparisonLimitsError.unknownMetric("p98").description.contains("p99.9, p99.99"))
    }
}
