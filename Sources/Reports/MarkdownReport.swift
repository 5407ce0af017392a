/// `summary.md`: the run in Markdown for pull requests and CI job summaries. One overview
/// table, then per series its throughput, corrected and uncorrected percentiles in
/// microseconds, and counts per decision and algorithm.
public enum MarkdownReport {
    /// The Markdown text of a run summary.
    public static func render(_ summary: LoadRunSummary) -> String {
        var md = "# jwtbench load run: \(cell(summary.runName))\n\n"
        if summary.totalMismatches > 0 {
            md += "**FAILED: \(ReportFormat.count(summary.totalMismatches)) decisions differed from the expected ones.**\n\n"
        }
        for warning in summary.noiseWarnings { md += "**Warning:** \(cell(warning)).\n\n" }
        md += header(summary)
        md += "## Overview\n\n"
        md += "Latencies in µs, corrected for coordinated omission (from the intended start).\n\n"
        md += "| series | mode | threads | ops/s | p50 | p90 | p99 | p99.9 | max | mismatches |\n"
        md += "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n"
        for s in summary.series {
            let c = s.correctedLatencyNanos
            md += "| \(cell(s.name)) | \(s.mode.rawValue) | \(s.threads) | \(ReportFormat.rate(s.operationsPerSecond)) "
            md += "| \(ReportFormat.micros(c.p50)) | \(ReportFormat.micros(c.p90)) | \(ReportFormat.micros(c.p99)) "
            md += "| \(ReportFormat.micros(c.p99_9)) | \(ReportFormat.micros(c.max)) | \(ReportFormat.count(s.mismatches)) |\n"
        }
        md += "\n"
        md += curves(summary)
        for s in summary.series { md += section(s) }
        return md
    }

    static func header(_ summary: LoadRunSummary) -> String {
        let m = summary.machine
        let c = summary.configuration
        var md = "- Started: \(cell(summary.startedAt))"
        md += summary.shardCount > 1 ? " (\(summary.shardCount) shards merged)\n" : "\n"
        md += "- Machine: \(cell(m.cpuModel)) × \(m.cpuCount), \(cell(m.operatingSystem)), \(cell(m.kernel))\n"
        md += "- Toolchain: Swift \(cell(m.swiftVersion)), \(cell(m.openSSLVersion))\n"
        md += "- Algorithms: \(cell(c.algorithms.joined(separator: ", "))); mix: \(cell(c.mix)); "
        md += "sizes: \(cell(c.sizes.joined(separator: ", ")))\n"
        md += "- Threads: \(c.threads.map(String.init).joined(separator: ", ")); duration \(ReportFormat.plain(c.durationSeconds)) s "
        md += "after \(ReportFormat.plain(c.warmupSeconds)) s warm-up"
        if let rate = c.targetRatePerSecond { md += "; open loop at \(ReportFormat.rate(rate)) ops/s" }
        md += "; seed \(c.seed); backend \(cell(c.backend))\n\n"
        return md
    }

    /// The rate sweep's curves: per curve a table of offered rate against corrected latency,
    /// and the highest rate meeting the SLO.
    static func curves(_ summary: LoadRunSummary) -> String {
        var md = ""
        for curve in LatencyThroughputCurve.curves(in: summary) {
            md += "## Latency against offered load: \(cell(curve.title))\n\n"
            if let capacity = curve.capacity { md += "Closed-loop capacity: \(ReportFormat.rate(capacity)) ops/s.\n\n" }
            md += "| offered ops/s | achieved ops/s | p50 µs | p99 µs | p99.9 µs | kept up |\n|--:|--:|--:|--:|--:|---|\n"
            for p in curve.points {
                let c = p.correctedLatencyNanos
                md += "| \(ReportFormat.rate(p.targetRatePerSecond ?? 0)) | \(ReportFormat.rate(p.operationsPerSecond)) "
                md += "| \(ReportFormat.micros(c.p50)) | \(ReportFormat.micros(c.p99)) | \(ReportFormat.micros(c.p99_9)) "
                md += "| \(LatencyThroughputCurve.keptUp(p) ? "yes" : "no") |\n"
            }
            md += "\n"
            if let slo = summary.configuration.slo { md += "**\(cell(curve.verdict(slo)))**.\n\n" }
        }
        return md
    }

    static func section(_ s: SeriesSummary) -> String {
        var md = "## \(cell(s.name))\n\n"
        md += s.sentence { "**\($0)**" } + "\n\n"
        md += "| percentile | corrected µs | uncorrected µs |\n|---|--:|--:|\n"
        for level in PercentileLevel.allCases {
            md += "| \(level.label) | \(ReportFormat.micros(s.correctedLatencyNanos[level])) "
            md += "| \(ReportFormat.micros(s.uncorrectedLatencyNanos[level])) |\n"
        }
        md += "| mean | \(ReportFormat.micros(s.correctedLatencyNanos.mean)) | \(ReportFormat.micros(s.uncorrectedLatencyNanos.mean)) |\n\n"
        if !s.countsByReason.isEmpty {
            md += "| decision | count |\n|---|--:|\n"
            for (reason, count) in sortedCounts(s.countsByReason) { md += "| \(cell(reason)) | \(ReportFormat.count(count)) |\n" }
            md += "\n"
        }
        if !s.countsByAlgorithm.isEmpty {
            md += "| algorithm | operations | backend |\n|---|--:|---|\n"
            for (alg, count) in sortedCounts(s.countsByAlgorithm) {
                md += "| \(cell(alg)) | \(ReportFormat.count(count)) | \(cell(s.backendByAlgorithm[alg] ?? "")) |\n"
            }
            md += "\n"
        }
        return md
    }

    /// `allow` first, then by count (descending) and name, so the common outcomes lead.
    static func sortedCounts(_ counts: [String: UInt64]) -> [(String, UInt64)] {
        counts.sorted { a, b in
            if (a.key == "allow") != (b.key == "allow") { return a.key == "allow" }
            return a.value != b.value ? a.value > b.value : a.key < b.key
        }.map { ($0.key, $0.value) }
    }

    /// Text safe inside a table cell or heading: pipes escaped, line breaks flattened.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
            .replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
    }
}
