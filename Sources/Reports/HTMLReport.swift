import Foundation
import Histogram

/// `index.html`: one self-contained XHTML page (no scripts, stylesheets, fonts or images from
/// elsewhere) with the run's tables and three inline SVG charts drawn here:
/// - `chart-percentiles`: latency by percentile on HdrHistogram's axes (x = 1/(1-p), log
///   scale, labelled 90%, 99%, 99.9%, ...; y = latency, log scale with decade ticks 1 µs,
///   10 µs, 100 µs, ...), corrected solid and uncorrected dashed per series;
/// - `chart-scaling`: closed-loop throughput against threads per workload, with ideal linear
///   scaling from the smallest thread count dashed beside it;
/// - `chart-timeline`: p50 (dashed) and p99 (solid) corrected latency per interval over time.
///
/// The markup is well-formed XML (XHTML namespace, escaped text, no HTML-only entities), so
/// tests and tools can parse it with any XML parser.
public enum HTMLReport {
    /// The page for a run report; series without histograms are left out of the charts only.
    public static func render(_ report: RunReport) -> String {
        let summary = report.summary
        var html = "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
        html += "<meta charset=\"utf-8\"/>\n<title>jwtbench: \(t(summary.runName))</title>\n"
        html += "<style>\n\(style)</style>\n</head>\n<body>\n"
        html += "<h1>jwtbench load run: \(t(summary.runName))</h1>\n"
        if summary.totalMismatches > 0 {
            html +=
                "<p class=\"fail\">FAILED: \(ReportFormat.count(summary.totalMismatches)) decisions differed from the expected ones.</p>\n"
        }
        for warning in summary.noiseWarnings { html += "<p class=\"warn\">Warning: \(t(warning)).</p>\n" }
        html += runTable(summary)
        html += overviewTable(summary)
        let totals = seriesTotals(report)
        html += figure(
            id: "percentiles", title: "Latency by percentile", percentileChart(summary, totals),
            caption: "Corrected latency (from the intended start) solid, uncorrected dashed. "
                + "The x axis is 1/(1-percentile) on a log scale and latency is on a log scale, as HdrHistogram plots them.")
        html += figure(
            id: "scaling", title: "Throughput against threads", scalingChart(summary),
            caption: "Closed-loop throughput; dashed: ideal linear scaling from the smallest thread count.")
        html += figure(
            id: "timeline", title: "Latency over time", timelineChart(summary, report.histograms),
            caption: "Corrected p99 (solid) and p50 (dashed) per interval.")
        html += curvesSection(summary)
        for series in summary.series { html += seriesSection(series) }
        html += "</body>\n</html>\n"
        return html
    }

    /// A chart under its own heading (`id` is the link target), its caption saying how to read it.
    static func figure(id: String, title: String, _ chart: SVGLineChart, caption: String) -> String {
        "<h2 id=\"\(id)\">\(title)</h2>\n<figure>\n\(chart.render())\n<figcaption>\(caption)</figcaption>\n</figure>\n"
    }

    static let style = """
        body { font-family: sans-serif; margin: 2em; color: #222222; max-width: 1100px; }
        table { border-collapse: collapse; margin: 0.5em 0 1.5em 0; }
        th, td { border: 1px solid #cccccc; padding: 0.25em 0.6em; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        th { background: #f3f3f3; text-align: left; }
        .fail { color: #b00020; font-weight: bold; }
        .warn { color: #8a5a00; font-weight: bold; }
        figure { margin: 0 0 2em 0; }
        figcaption { color: #555555; font-size: 0.9em; }

        """

    // MARK: Tables

    static func runTable(_ summary: LoadRunSummary) -> String {
        let m = summary.machine
        let c = summary.configuration
        var rows: [(String, String)] = [
            ("Started", summary.startedAt), ("Shards", String(summary.shardCount)),
            ("CPU", "\(m.cpuModel) × \(m.cpuCount)"), ("OS", "\(m.operatingSystem) (\(m.kernel))"),
            ("Host", m.hostName), ("Swift", m.swiftVersion), ("OpenSSL", m.openSSLVersion),
            ("Algorithms", c.algorithms.joined(separator: ", ")), ("Mix", c.mix), ("Sizes", c.sizes.joined(separator: ", ")),
            ("Threads", c.threads.map(String.init).joined(separator: ", ")),
            ("Duration", "\(ReportFormat.plain(c.durationSeconds)) s after \(ReportFormat.plain(c.warmupSeconds)) s warm-up"),
            ("Arrival rate", c.targetRatePerSecond.map { "\(ReportFormat.rate($0)) ops/s (open loop)" } ?? "closed loop"),
            ("Seed", String(c.seed)), ("Backend", c.backend),
        ]
        if let shard = c.shard { rows.append(("Shard", shard)) }
        rows += c.extra.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        var html = "<table class=\"run\">\n"
        // A row without a value (e.g. `count` of a run bounded by time) says nothing.
        for (key, value) in rows where !value.trimmingCharacters(in: .whitespaces).isEmpty {
            // `report: NAME` entries name a related report beside this one (the main job's
            // conformance and key-cache folders): a link, when the path is a plain relative one.
            if key.hasPrefix(Self.relatedReportPrefix), Self.isPlainRelativePath(value) {
                let name = String(key.dropFirst(Self.relatedReportPrefix.count))
                html += "<tr><th>\(t(name))</th><td><a href=\"\(t(value))\">\(t(value))</a></td></tr>\n"
            } else {
                html += "<tr><th>\(t(label(forExtraKey: key)))</th><td>\(t(value))</td></tr>\n"
            }
        }
        return html + "</table>\n"
    }

    /// A run-table label from a configuration key: camelCase keys (`catalogueMintRate`) read
    /// as words (`catalogue mint rate`); keys with spaces or capitalised labels stay as they are.
    static func label(forExtraKey key: String) -> String {
        guard let first = key.first, first.isLowercase, !key.contains(" ") else { return key }
        // A capital after a lower-case letter or digit starts a word; acronyms (`maxRPS`) stay whole.
        let characters = Array(key)
        var words = ""
        for (i, character) in characters.enumerated() {
            let previous = i > 0 ? characters[i - 1] : nil
            let next = i + 1 < characters.count ? characters[i + 1] : nil
            if character.isUppercase, let previous, previous.isLowercase || previous.isNumber {
                words += " "
            }
            let inAcronym = character.isUppercase && (next?.isUppercase == true || previous?.isUppercase == true)
            words += inAcronym ? String(character) : character.lowercased()
        }
        return words
    }

    /// The `extra` key prefix of a related report's relative path.
    public static let relatedReportPrefix = "report: "

    /// Letters, digits, `-_./`, not absolute and never climbing out (`..`).
    static func isPlainRelativePath(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !path.contains("..")
            && path.unicodeScalars.allSatisfy {
                ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "-_./".unicodeScalars.contains($0)
            }
    }

    static func overviewTable(_ summary: LoadRunSummary) -> String {
        var html = "<h2 id=\"overview\">Overview</h2>\n<table class=\"overview\">\n<tr><th>series</th><th>mode</th>"
        html += "<th>threads</th><th>ops/s</th>"
        for level in PercentileLevel.allCases { html += "<th>\(t(level.label)) µs</th>" }
        html += "<th>mismatches</th></tr>\n"
        for s in summary.series {
            html += "<tr><td>\(t(s.name))</td><td>\(s.mode.rawValue)</td><td class=\"num\">\(s.threads)</td>"
            html += "<td class=\"num\">\(ReportFormat.rate(s.operationsPerSecond))</td>"
            for level in PercentileLevel.allCases {
                html += "<td class=\"num\">\(ReportFormat.micros(s.correctedLatencyNanos[level]))</td>"
            }
            html += "<td class=\"num\">\(ReportFormat.count(s.mismatches))</td></tr>\n"
        }
        return html + "</table>\n<p>Latencies corrected for coordinated omission, in microseconds.</p>\n"
    }

    static func seriesSection(_ s: SeriesSummary) -> String {
        var html = "<h2 id=\"series-\(a(s.name))\">Series \(t(s.name))</h2>\n<p>"
        html += s.sentence { "<strong>\($0)</strong>" }
        html += "</p>\n<table class=\"percentiles\">\n<tr><th>percentile</th><th>corrected µs</th><th>uncorrected µs</th></tr>\n"
        for level in PercentileLevel.allCases {
            html += "<tr><td>\(t(level.label))</td><td class=\"num\">\(ReportFormat.micros(s.correctedLatencyNanos[level]))</td>"
            html += "<td class=\"num\">\(ReportFormat.micros(s.uncorrectedLatencyNanos[level]))</td></tr>\n"
        }
        html += "<tr><td>mean</td><td class=\"num\">\(ReportFormat.micros(s.correctedLatencyNanos.mean))</td>"
        html += "<td class=\"num\">\(ReportFormat.micros(s.uncorrectedLatencyNanos.mean))</td></tr>\n</table>\n"
        if !s.countsByReason.isEmpty {
            html += "<table class=\"reasons\">\n<tr><th>decision</th><th>count</th></tr>\n"
            for (reason, count) in MarkdownReport.sortedCounts(s.countsByReason) {
                html += "<tr><td>\(t(reason))</td><td class=\"num\">\(ReportFormat.count(count))</td></tr>\n"
            }
            html += "</table>\n"
        }
        if !s.countsByAlgorithm.isEmpty {
            html += "<table class=\"algorithms\">\n<tr><th>algorithm</th><th>operations</th><th>backend</th></tr>\n"
            for (alg, count) in MarkdownReport.sortedCounts(s.countsByAlgorithm) {
                html += "<tr><td>\(t(alg))</td><td class=\"num\">\(ReportFormat.count(count))</td>"
                html += "<td>\(t(s.backendByAlgorithm[alg] ?? ""))</td></tr>\n"
            }
            html += "</table>\n"
        }
        return html
    }

    // MARK: Charts

    /// Whole-series histograms; a series whose intervals cannot be merged is left out.
    static func seriesTotals(_ report: RunReport) -> [String: (corrected: Histogram<UInt64>, uncorrected: Histogram<UInt64>)] {
        var totals: [String: (corrected: Histogram<UInt64>, uncorrected: Histogram<UInt64>)] = [:]
        for series in report.summary.series {
            if let pair = try? report.totals(series: series.name) { totals[series.name] = pair }
        }
        return totals
    }

    static func percentileChart(
        _ summary: LoadRunSummary,
        _ totals: [String: (corrected: Histogram<UInt64>, uncorrected: Histogram<UInt64>)]
    ) -> SVGLineChart {
        var lines: [ChartLine] = []
        for (index, series) in summary.series.enumerated() {
            guard let pair = totals[series.name] else { continue }
            let color = ChartLine.color(index)
            lines.append(ChartLine(name: "\(series.name) corrected", color: color, points: percentilePoints(pair.corrected)))
            lines.append(
                ChartLine(
                    name: "\(series.name) uncorrected", color: color, dashed: true,
                    points: percentilePoints(pair.uncorrected)))
        }
        let maxX = lines.flatMap { $0.points.map(\.x) }.max() ?? 2
        return SVGLineChart(
            id: "chart-percentiles", title: "Latency by percentile", xLabel: "percentile",
            yLabel: "latency (log scale)", xTicks: ChartTick.percentile(decades: max(2, Int(maxX.rounded(.up)))),
            yScale: .log, lines: lines, emptyNote: "no histograms recorded")
    }

    /// The `.hgrm` rows as chart points: x = log10(1/(1-p)), y in µs. The 100% row is left
    /// out (its x is infinite); the max is the last finite row's value or above.
    static func percentilePoints(_ histogram: Histogram<UInt64>) -> [(x: Double, y: Double)] {
        guard histogram.totalCount > 0 else { return [] }
        var points: [(x: Double, y: Double)] = []
        for step in histogram.percentiles(ticksPerHalfDistance: PercentileDistribution.defaultTicksPerHalfDistance)
        where step.percentileLevelIteratedTo < 100 {
            points.append((log10(1 / (1 - step.percentileLevelIteratedTo / 100)), Double(step.value) / 1000))
        }
        return points
    }

    static func scalingChart(_ summary: LoadRunSummary) -> SVGLineChart {
        var workloads: [String] = []
        var byWorkload: [String: [SeriesSummary]] = [:]
        for series in summary.series where series.mode == .closed {
            if byWorkload[series.workload] == nil { workloads.append(series.workload) }
            byWorkload[series.workload, default: []].append(series)
        }
        var lines: [ChartLine] = []
        for (index, workload) in workloads.enumerated() {
            // Several series at one thread count (e.g. repeated runs) show as their mean.
            var byThreads: [Int: [Double]] = [:]
            for series in byWorkload[workload] ?? [] { byThreads[series.threads, default: []].append(series.operationsPerSecond) }
            let points = byThreads.sorted { $0.key < $1.key }
                .map { (x: Double($0.key), y: $0.value.reduce(0, +) / Double($0.value.count)) }
            guard let base = points.first, base.x > 0 else { continue }
            let color = ChartLine.color(index)
            lines.append(ChartLine(name: workload, color: color, markers: true, points: points))
            lines.append(
                ChartLine(
                    name: "\(workload) ideal", color: color, dashed: true,
                    points: points.map { (x: $0.x, y: base.y * $0.x / base.x) }))
        }
        let maxThreads = lines.flatMap { $0.points.map(\.x) }.max() ?? 1
        return SVGLineChart(
            id: "chart-scaling", title: "Throughput against threads", xLabel: "threads",
            yLabel: "operations per second", xTicks: ChartTick.linear(upTo: maxThreads, minimumStep: 1),
            lines: lines, emptyNote: "no closed-loop series")
    }

    static func timelineChart(_ summary: LoadRunSummary, _ histograms: [String: SeriesHistograms]) -> SVGLineChart {
        let origin = histograms.values.flatMap { $0.corrected.map(\.startSeconds) }.min() ?? 0
        var lines: [ChartLine] = []
        for (index, series) in summary.series.enumerated() {
            guard let intervals = histograms[series.name]?.corrected, !intervals.isEmpty else { continue }
            let sorted = intervals.filter { $0.histogram.totalCount > 0 }.sorted { $0.startSeconds < $1.startSeconds }
            // Each interval is plotted at its end: the latencies it holds happened before then.
            let p99 = sorted.map { (x: $0.startSeconds + $0.lengthSeconds - origin, y: Double($0.histogram.valueAtPercentile(99)) / 1000) }
            let p50 = sorted.map { (x: $0.startSeconds + $0.lengthSeconds - origin, y: Double($0.histogram.valueAtPercentile(50)) / 1000) }
            let color = ChartLine.color(index)
            lines.append(ChartLine(name: "\(series.name) p99", color: color, markers: p99.count == 1, points: p99))
            lines.append(ChartLine(name: "\(series.name) p50", color: color, dashed: true, markers: p50.count == 1, points: p50))
        }
        let maxX = lines.flatMap { $0.points.map(\.x) }.max() ?? 1
        return SVGLineChart(
            id: "chart-timeline", title: "Latency over time", xLabel: "seconds since start",
            yLabel: "latency (µs)", xTicks: ChartTick.linear(upTo: maxX), lines: lines,
            emptyNote: "no interval histograms recorded")
    }

    static func t(_ text: String) -> String { XMLEscape.text(text) }
    static func a(_ text: String) -> String { XMLEscape.attribute(text) }
}
