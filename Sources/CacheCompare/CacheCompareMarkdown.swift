import Foundation

/// The Markdown form of a `CacheCompareReport`: the comparison table (printed by the command
/// and written as `cache-compare.md`).
public enum CacheCompareMarkdown {
    /// The whole document: configuration, table, notes.
    public static func render(_ report: CacheCompareReport) -> String {
        let c = report.configuration
        var out = "# Key-cache comparison\n\n"
        out += "\(c.threads) threads, \(format(c.durationSeconds)) per cell"
        if c.scenarios.contains(.idpOutage) {
            let plan = c.outagePlan
            out += " (idp-outage: \(format(plan.outage)) outage after \(format(plan.lead)), \(format(plan.cell)) cell)"
        }
        out +=
            ", unknown-kid cooldown \(format(c.cooldownSeconds)), slow-idp latency \(format(c.slowLatencySeconds)), \(report.cpuCount) cores, \(report.generatedAt).\n\n"
        out += table(report.cells)
        if !report.skipped.isEmpty { out += "\nSkipped: " + report.skipped.joined(separator: "; ") + ".\n" }
        out += "\n"
        for scenario in c.scenarios { out += "- `\(scenario.rawValue)`: \(scenario.summary)\n" }
        out += "\n"
        for note in report.notes { out += "- \(note)\n" }
        let accepts = report.cells.filter { $0.falseAccepts > 0 }
        out +=
            accepts.isEmpty
            ? "\nFalse accepts: 0 in every cell.\n"
            : "\nFALSE ACCEPTS in " + accepts.map { "\($0.strategy)/\($0.scenario.rawValue) (\($0.falseAccepts))" }.joined(separator: ", ")
                + ".\n"
        return out
    }

    /// The table alone: one row per cell.
    public static func table(_ cells: [CacheCompareCellResult]) -> String {
        var out =
            "| scenario | strategy | ops/s | p50 | p99 | p99.9 | max | fetches | false rejects | false accepts | new key accepted after | retired key refused after | waited |\n"
        out += "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n"
        for cell in cells {
            let l = cell.correctedLatencyNanos
            let rejects =
                cell.falseRejects == 0
                ? "0" : "\(cell.falseRejects) (\(String(format: "%.1f", percent(cell.falseRejects, of: cell.mustAllow)))%)"
            let waited = cell.waits == 0 ? "0" : "\(cell.waits) / \(seconds(cell.waitSeconds))"
            out +=
                "| \(cell.scenario.rawValue) | \(cell.strategy) | \(String(format: "%.0f", cell.operationsPerSecond)) | \(duration(l.p50)) | \(duration(l.p99)) | \(duration(l.p99_9)) | \(duration(l.max)) | \(cell.issuerFetches) | \(rejects) | \(cell.falseAccepts) | \(newKey(cell)) | \(retiredKey(cell)) | \(waited) |\n"
        }
        return out
    }

    /// "never" when a rotation happened but no token with the new key was allowed; "–" without
    /// a rotation.
    static func newKey(_ cell: CacheCompareCellResult) -> String {
        guard cell.rotated else { return "–" }
        return cell.newKeyAcceptedAfterMillis.map(millis) ?? "never"
    }

    /// Like `newKey`, for the first refusal of the retired key.
    static func retiredKey(_ cell: CacheCompareCellResult) -> String {
        guard cell.retired else { return "–" }
        return cell.retiredKeyRefusedAfterMillis.map(millis) ?? "never"
    }

    static func percent(_ n: Int, of total: Int) -> Double { total == 0 ? 0 : Double(n) * 100 / Double(total) }

    /// `850 ns`, `23.4 µs`, `1.25 ms`, `203 ms`, `1.50 s`.
    static func duration(_ nanos: UInt64) -> String {
        let v = Double(nanos)
        switch v {
        case ..<1e3: return "\(nanos) ns"
        case ..<1e5: return String(format: "%.1f µs", v / 1e3)
        case ..<1e6: return String(format: "%.0f µs", v / 1e3)
        case ..<1e8: return String(format: "%.2f ms", v / 1e6)
        case ..<1e9: return String(format: "%.0f ms", v / 1e6)
        default: return String(format: "%.2f s", v / 1e9)
        }
    }

    static func millis(_ ms: Double) -> String { ms < 1000 ? String(format: "%.1f ms", ms) : String(format: "%.2f s", ms / 1000) }

    static func seconds(_ s: Double) -> String { s < 1 ? String(format: "%.1f ms", s * 1000) : String(format: "%.2f s", s) }

    static func format(_ seconds: Double) -> String {
        seconds >= 1
            ? (seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds))
            : "\(Int((seconds * 1000).rounded())) ms"
    }
}
