extension HTMLReport {
    /// The latency-throughput section: one chart with every curve (p99 solid, p50 dashed,
    /// µs on a log axis against the offered rate), then per curve its table and, with an SLO,
    /// the highest rate that met it. Empty when the run swept no rates.
    static func curvesSection(_ summary: LoadRunSummary) -> String {
        let curves = LatencyThroughputCurve.curves(in: summary)
        guard !curves.isEmpty else { return "" }
        var lines: [ChartLine] = []
        for (index, curve) in curves.enumerated() {
            let color = ChartLine.color(index)
            func points(_ level: PercentileLevel) -> [(x: Double, y: Double)] {
                curve.points.map { (x: $0.targetRatePerSecond ?? 0, y: Double(level.value(in: $0.correctedLatencyNanos)) / 1000) }
            }
            lines.append(ChartLine(name: "\(curve.title) p99", color: color, markers: true, points: points(.p99)))
            lines.append(ChartLine(name: "\(curve.title) p50", color: color, dashed: true, points: points(.p50)))
        }
        let maxRate = curves.flatMap { $0.points.compactMap(\.targetRatePerSecond) }.max() ?? 1
        if let slo = summary.configuration.slo {
            lines.append(
                ChartLine(
                    name: "SLO \(slo.level.label)", color: "#888888", dashed: true,
                    points: [(x: 0, y: Double(slo.nanoseconds) / 1000), (x: maxRate, y: Double(slo.nanoseconds) / 1000)]))
        }
        let chart = SVGLineChart(
            id: "chart-curve", title: "Latency against offered load", xLabel: "offered operations per second",
            yLabel: "corrected latency, µs (log scale)", xTicks: ChartTick.linear(upTo: maxRate), yScale: .log, lines: lines,
            emptyNote: "no rate sweep")
        var html = figure(
            id: "curve", title: "Latency against offered load", chart,
            caption: "Open loop at each offered rate; corrected p99 solid, p50 dashed"
                + (summary.configuration.slo.map { "; the grey line is the SLO, \(t($0.description))" } ?? "") + ".")
        for curve in curves {
            html += "<h3>\(t(curve.title))</h3>\n"
            if let capacity = curve.capacity { html += "<p>Closed-loop capacity: \(ReportFormat.rate(capacity)) ops/s.</p>\n" }
            html += "<table class=\"curve\">\n<tr><th>offered ops/s</th><th>achieved ops/s</th>"
            html += "<th>p50 µs</th><th>p99 µs</th><th>p99.9 µs</th><th>kept up</th></tr>\n"
            for p in curve.points {
                let c = p.correctedLatencyNanos
                html += "<tr><td class=\"num\">\(ReportFormat.rate(p.targetRatePerSecond ?? 0))</td>"
                html += "<td class=\"num\">\(ReportFormat.rate(p.operationsPerSecond))</td>"
                html += "<td class=\"num\">\(ReportFormat.micros(c.p50))</td><td class=\"num\">\(ReportFormat.micros(c.p99))</td>"
                html +=
                    "<td class=\"num\">\(ReportFormat.micros(c.p99_9))</td><td>\(LatencyThroughputCurve.keptUp(p) ? "yes" : "no")</td></tr>\n"
            }
            html += "</table>\n"
            if let slo = summary.configuration.slo { html += "<p><strong>\(t(curve.verdict(slo)))</strong>.</p>\n" }
        }
        return html
    }
}
