import Foundation
import Reports

/// The self-contained HTML page of a `CacheCompareReport`: inline CSS and SVG grouped bar
/// charts (false rejects, fetches, throughput per scenario and strategy) and the table. No
/// script and no external resource, so the file can be attached to an issue as it is.
public enum CacheCompareHTML {
    /// The page.
    public static func render(_ report: CacheCompareReport) -> String {
        let scenarios = report.configuration.scenarios.map(\.rawValue)
        let strategies = report.configuration.strategies
        func values(_ pick: (CacheCompareCellResult) -> Double) -> [[Double?]] {
            scenarios.map { scenario in
                strategies.map { strategy in
                    report.cells.first { $0.scenario.rawValue == scenario && $0.strategy == strategy }.map(pick)
                }
            }
        }
        var out = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"/><title>jwtbench cache-compare</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2em;color:#222}
            table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}
            td:nth-child(-n+2),th{text-align:left}tr.bad td{background:#fdd}
            svg{display:block;margin:1em 0}.note{color:#555;font-size:13px}
            </style></head><body>
            <h1>Key-cache comparison</h1>

            """
        let c = report.configuration
        out +=
            "<p>\(c.threads) threads, \(CacheCompareMarkdown.format(c.durationSeconds)) per cell, unknown-kid cooldown \(CacheCompareMarkdown.format(c.cooldownSeconds)), \(report.cpuCount) cores, \(escape(report.generatedAt)).</p>\n"
        let falseAccepts = report.falseAccepts
        out +=
            falseAccepts == 0
            ? "<p><strong>False accepts: 0 in every cell.</strong></p>\n"
            : "<p style=\"color:#b00\"><strong>\(falseAccepts) FALSE ACCEPTS</strong> (rows in red).</p>\n"
        out += chart(
            title: "False rejects (% of tokens that had to be allowed)", groups: scenarios, series: strategies,
            values: values { CacheCompareMarkdown.percent($0.falseRejects, of: $0.mustAllow) }, logScale: false,
            label: { String(format: "%.1f%%", $0) })
        out += chart(
            title: "JWKS fetches seen by the issuer (log scale)", groups: scenarios, series: strategies,
            values: values { Double($0.issuerFetches) }, logScale: true, label: { String(format: "%.0f", $0) })
        out += chart(
            title: "Throughput, validations/s (log scale)", groups: scenarios, series: strategies,
            values: values { $0.operationsPerSecond }, logScale: true, label: { String(format: "%.0f", $0) })
        out +=
            "<h2>All cells</h2>\n<table>\n<tr><th>scenario</th><th>strategy</th><th>ops/s</th><th>p50</th><th>p99</th><th>p99.9</th><th>max</th><th>fetches</th><th>false rejects</th><th>false accepts</th><th>new key accepted after</th><th>retired key refused after</th><th>waited</th></tr>\n"
        for cell in report.cells {
            let l = cell.correctedLatencyNanos
            let cols = [
                cell.scenario.rawValue, cell.strategy, String(format: "%.0f", cell.operationsPerSecond),
                CacheCompareMarkdown.duration(l.p50), CacheCompareMarkdown.duration(l.p99), CacheCompareMarkdown.duration(l.p99_9),
                CacheCompareMarkdown.duration(l.max), "\(cell.issuerFetches)",
                "\(cell.falseRejects) of \(cell.mustAllow)", "\(cell.falseAccepts) of \(cell.mustDeny)",
                CacheCompareMarkdown.newKey(cell), CacheCompareMarkdown.retiredKey(cell),
                cell.waits == 0 ? "0" : "\(cell.waits) / \(CacheCompareMarkdown.seconds(cell.waitSeconds))",
            ]
            out +=
                "<tr\(cell.falseAccepts > 0 ? " class=\"bad\"" : "") title=\"\(escape(cell.strategyDetails))\">"
                + cols.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n"
        }
        out += "</table>\n<h2>Scenarios</h2>\n<ul>\n"
        for scenario in c.scenarios { out += "<li><code>\(scenario.rawValue)</code>: \(escape(scenario.summary))</li>\n" }
        out += "</ul>\n<h2>Notes</h2>\n<ul class=\"note\">\n"
        for note in report.notes + report.skipped.map({ "Skipped " + $0 }) { out += "<li>\(escape(note))</li>\n" }
        out += "</ul>\n</body></html>\n"
        return out
    }

    private static let palette = [
        "#888888", "#d62728", "#ff7f0e", "#2ca02c", "#1f77b4", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
    ]

    /// A grouped bar chart: one group per scenario, one bar per strategy (absent cells leave a
    /// gap). A log scale plots log10(1 + v), so zero stays at the axis.
    static func chart(
        title: String, groups: [String], series: [String], values: [[Double?]], logScale: Bool,
        label: (Double) -> String
    ) -> String {
        let barWidth = 14.0
        let gap = 18.0
        let left = 60.0
        let top = 30.0
        let plotHeight = 220.0
        let groupWidth = Double(series.count) * barWidth + gap
        let width = left + Double(groups.count) * groupWidth + 20
        let legendHeight = 18.0 * Double((series.count + 3) / 4)
        let height = top + plotHeight + 40 + legendHeight
        func scaled(_ v: Double) -> Double { logScale ? log10(1 + max(0, v)) : max(0, v) }
        let top0 = values.flatMap { $0 }.compactMap { $0 }.map(scaled).max() ?? 0
        let maxScaled = top0 > 0 ? top0 : 1
        func y(_ v: Double) -> Double { top + plotHeight - scaled(v) / maxScaled * plotHeight }
        var svg =
            "<h2>\(escape(title))</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        // Axis with a few ticks.
        svg += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + plotHeight)\" stroke=\"#444\"/>\n"
        svg += "<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(width - 10)\" y2=\"\(top + plotHeight)\" stroke=\"#444\"/>\n"
        let ticks: [Double] =
            logScale
            ? (0...Int(maxScaled.rounded(.up))).map { pow(10, Double($0)) - 1 }.filter { scaled($0) <= maxScaled }
            : (0...4).map { Double($0) * maxScaled / 4 }
        for t in ticks {
            let ty = y(t)
            svg += "<line x1=\"\(left - 4)\" y1=\"\(ty)\" x2=\"\(width - 10)\" y2=\"\(ty)\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(left - 6)\" y=\"\(ty + 4)\" text-anchor=\"end\">\(escape(label(t)))</text>\n"
        }
        for (g, group) in groups.enumerated() {
            let x0 = left + gap / 2 + Double(g) * groupWidth
            for (s, name) in series.enumerated() {
                guard let v = values[g][s] else { continue }
                let x = x0 + Double(s) * barWidth
                let by = y(v)
                svg +=
                    "<rect x=\"\(x)\" y=\"\(by)\" width=\"\(barWidth - 2)\" height=\"\(top + plotHeight - by)\" fill=\"\(palette[s % palette.count])\"><title>\(escape("\(name) / \(group): \(label(v))"))</title></rect>\n"
            }
            svg +=
                "<text x=\"\(x0 + Double(series.count) * barWidth / 2)\" y=\"\(top + plotHeight + 16)\" text-anchor=\"middle\">\(escape(group))</text>\n"
        }
        for (s, name) in series.enumerated() {
            let lx = left + Double(s % 4) * 150
            let ly = top + plotHeight + 34 + Double(s / 4) * 18
            svg +=
                "<rect x=\"\(lx)\" y=\"\(ly - 10)\" width=\"12\" height=\"12\" fill=\"\(palette[s % palette.count])\"/><text x=\"\(lx + 16)\" y=\"\(ly)\">\(escape(name))</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// Text and attribute escaping (the page is also well-formed XML, as the other reports):
    /// the attribute form of the reports' escaping, which is also correct in text.
    static func escape(_ s: String) -> String { XMLEscape.attribute(s) }
}
