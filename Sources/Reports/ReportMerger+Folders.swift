import Foundation

extension ReportMerger {
    /// Merges the report folders at `paths` (shards of one run) and returns the merged report
    /// with one console line per series (`name: operations, ops/s, p99`); `warn` gets the
    /// merge's warning (see `merge(_:warn:)`), by default on stderr.
    /// - Throws: `ReportError.unreadable` for a folder that cannot be read, `ReportError`
    ///   when the shards do not belong to one run or one is given twice.
    public static func merge(
        folders paths: [String], warn: (String) -> Void = standardError
    ) throws -> (report: RunReport, lines: [String]) {
        let shards = try paths.map { path in
            do { return try RunReport(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw ReportError.unreadable(path: path, ReportError.reason(error))
            }
        }
        let merged = try merge(shards, warn: warn)
        let lines = merged.summary.series.map { s in
            String(
                format: "%@: %llu operations, %.0f ops/s, p99 %.1f µs (corrected)", s.name, s.operations,
                s.operationsPerSecond, Double(s.correctedLatencyNanos.p99) / 1000)
        }
        return (merged, lines)
    }
}
