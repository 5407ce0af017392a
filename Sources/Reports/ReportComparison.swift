/// `report compare`: a new run against a baseline, metric by metric and series by series
/// (matched by name), under limits such as `p99=10%,throughput=5%`.
///
/// A latency (or allocation) metric regresses when it grows by more than its limit;
/// throughput regresses when it drops by more than its limit. Moves past the limit in the
/// good direction are listed as improvements. A baseline series missing from the new run
/// fails the comparison; series only in the new run are ignored.
public struct ReportComparison: Sendable, Equatable {
    /// Metrics that got worse by more than their limit.
    public var regressions: [MetricChange]
    /// Metrics that got better by more than their limit.
    public var improvements: [MetricChange]
    /// Baseline series the new run does not have.
    public var missingSeries: [String]

    /// True when nothing regressed and no series went missing.
    public var passed: Bool { regressions.isEmpty && missingSeries.isEmpty }

    /// A comparison result from its parts.
    public init(regressions: [MetricChange], improvements: [MetricChange], missingSeries: [String]) {
        self.regressions = regressions
        self.improvements = improvements
        self.missingSeries = missingSeries
    }

    /// Compares under a limits string; throws `ComparisonLimitsError` when it does not parse.
    public static func compare(base: LoadRunSummary, new: LoadRunSummary, limits: String) throws -> ReportComparison {
        compare(base: base, new: new, limits: try ComparisonLimits(parsing: limits))
    }

    /// Compares under parsed limits.
    public static func compare(base: LoadRunSummary, new: LoadRunSummary, limits: ComparisonLimits) -> ReportComparison {
        var regressions: [MetricChange] = []
        var improvements: [MetricChange] = []
        var missing: [String] = []
        for baseSeries in base.series {
            guard let newSeries = new.series(named: baseSeries.name) else {
                missing.append(baseSeries.name)
                continue
            }
            for (metric, limit) in limits.limits {
                guard let before = metric.value(in: baseSeries), let after = metric.value(in: newSeries) else { continue }
                let change: Double? = before != 0 ? (after - before) / before : (after == 0 ? 0 : nil)
                // Worsening as a positive fraction, whichever direction is bad for the metric.
                let worsening: Double
                if let change {
                    worsening = metric.higherIsWorse ? change : -change
                } else {
                    worsening = metric.higherIsWorse ? .infinity : -.infinity
                }
                let entry = MetricChange(
                    metric: metric.name, series: baseSeries.name, base: before, new: after,
                    change: change, limit: limit)
                if worsening > limit {
                    regressions.append(entry)
                } else if -worsening > limit {
                    improvements.append(entry)
                }
            }
        }
        return ReportComparison(regressions: regressions, improvements: improvements, missingSeries: missing)
    }

    /// The comparison as Markdown for a pull request: verdict, then regressions and
    /// improvements with base, new, change and limit.
    public func markdown() -> String {
        var md = passed ? "**PASS**: no metric moved past its limit.\n\n" : "**FAIL**: regressions past the limits.\n\n"
        if !missingSeries.isEmpty {
            md += "Missing from the new run: \(missingSeries.map(MarkdownReport.cell).joined(separator: ", ")).\n\n"
        }
        for (title, changes) in [("Regressions", regressions), ("Improvements", improvements)] where !changes.isEmpty {
            md += "### \(title)\n\n| series | metric | base | new | change | limit |\n|---|---|--:|--:|--:|--:|\n"
            for c in changes {
                let metric = ComparisonMetric(name: c.metric)
                let base = metric?.format(c.base) ?? ReportFormat.plain(c.base)
                let new = metric?.format(c.new) ?? ReportFormat.plain(c.new)
                md += "| \(MarkdownReport.cell(c.series)) | \(c.metric) | \(base) | \(new) "
                md += "| \(c.change.map(ReportFormat.percent) ?? "from 0") | \(ReportFormat.plain(c.limit * 100))% |\n"
            }
            md += "\n"
        }
        return md
    }
}
