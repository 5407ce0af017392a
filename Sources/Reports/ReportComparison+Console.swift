import Foundation

extension ReportComparison {
    /// Compares the reports at `basePath` and `newPath` (report folders, or their
    /// `summary.json`) under `limits` (`p99=10%,throughput=5%`).
    /// - Throws: `ReportError.unreadable` for a summary that cannot be read or decoded,
    ///   `ComparisonLimitsError` for limits that do not parse.
    public static func compare(basePath: String, newPath: String, limits: String) throws -> ReportComparison {
        let limits = try ComparisonLimits(parsing: limits)
        return compare(base: try summary(at: basePath), new: try summary(at: newPath), limits: limits)
    }

    /// The `summary.json` of the report at `path` (a folder, or the file itself).
    static func summary(at path: String) throws -> LoadRunSummary {
        let url = URL(fileURLWithPath: path)
        let file = url.pathExtension == "json" ? url : url.appendingPathComponent(RunReport.summaryJSONFile)
        do {
            return try SummaryJSON.decode(Data(contentsOf: file))
        } catch {
            throw ReportError.unreadable(path: file.path, ReportError.reason(error))
        }
    }

    /// What `jwtbench report compare` prints: a line per regression, improvement and missing
    /// series, then the verdict under `limits`.
    public func consoleLines(limits: String) -> [String] {
        func line(_ c: MetricChange) -> String {
            let pct = c.change.map { String(format: "%+.1f%%", $0 * 100) } ?? "n/a"
            return
                "\(c.series) \(c.metric): \(String(format: "%.1f", c.base)) -> \(String(format: "%.1f", c.new)) (\(pct), limit \(String(format: "%.0f%%", c.limit * 100)))"
        }
        return regressions.map { "REGRESSION \(line($0))" } + improvements.map { "improved   \(line($0))" }
            + missingSeries.map { "MISSING    series \($0) is not in the new run" }
            + [passed ? "no regression beyond \(limits)" : "regressed beyond \(limits)"]
    }
}
