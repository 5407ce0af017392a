import Foundation

/// A line chart drawn as inline SVG by hand: axes, grid, ticks, lines, legend. No scripts,
/// fonts or external files, so `index.html` stays one self-contained file that parses as XML.
struct SVGLineChart {
    /// The `id` of the `<svg>` element (tests and readers find charts by it).
    var id: String
    var title: String
    var xLabel: String
    var yLabel: String
    var xTicks: [ChartTick]
    var yTicks: [ChartTick]
    /// Linear from 0, or log with decade ticks (latency by percentile, as HdrHistogram plots it).
    var yScale: ChartScale
    var lines: [ChartLine]
    /// Shown in the plot area when there are no lines.
    var emptyNote: String

    static let width = 900.0
    static let plotLeft = 80.0
    static let plotTop = 40.0
    static let plotWidth = 560.0
    static let plotHeight = 320.0
    static let legendLeft = plotLeft + plotWidth + 24
    static let legendRowHeight = 18.0

    /// A chart whose y axis runs from 0 to a round number above the largest y value (`.linear`),
    /// or over the decades that hold every positive y value (`.log`).
    init(
        id: String, title: String, xLabel: String, yLabel: String, xTicks: [ChartTick], yScale: ChartScale = .linear,
        lines: [ChartLine], emptyNote: String
    ) {
        self.id = id
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xTicks = xTicks
        let ys = lines.flatMap { $0.points.map(\.y) }.filter(\.isFinite)
        self.yScale = yScale
        switch yScale {
        case .linear: self.yTicks = ChartTick.linear(upTo: ys.max() ?? 0)
        case .log:
            let positive = ys.filter { $0 > 0 }
            self.yTicks = ChartTick.logDecades(from: positive.min() ?? 0, upTo: positive.max() ?? 0)
        }
        self.lines = lines
        self.emptyNote = emptyNote
    }

    /// The horizontal page coordinate of `x` (data units).
    func xPosition(_ x: Double) -> Double {
        let xMin = xTicks.first?.value ?? 0
        let xMax = max(xTicks.last?.value ?? 1, xMin + 1e-9)
        return Self.plotLeft + (x - xMin) / (xMax - xMin) * Self.plotWidth
    }

    /// The vertical page coordinate of `y` (data units); on a log axis values at or below 0
    /// sit on the bottom edge.
    func yPosition(_ y: Double) -> Double {
        let fraction: Double
        switch yScale {
        case .linear:
            fraction = y / max(yTicks.last?.value ?? 1, 1e-9)
        case .log:
            let low = log10(yTicks.first?.value ?? 1)
            let high = max(log10(yTicks.last?.value ?? 10), low + 1e-9)
            fraction = y > 0 ? max(0, (log10(y) - low) / (high - low)) : 0
        }
        return Self.plotTop + Self.plotHeight - fraction * Self.plotHeight
    }

    func render() -> String {
        let height = max(
            Self.plotTop + Self.plotHeight + 60,
            Self.plotTop + Double(lines.count + 1) * Self.legendRowHeight)
        func px(_ x: Double) -> Double { xPosition(x) }
        func py(_ y: Double) -> Double { yPosition(y) }
        let bottom = Self.plotTop + Self.plotHeight
        let right = Self.plotLeft + Self.plotWidth

        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"\(attr(id))\" class=\"chart\" "
        svg += "width=\"\(n(Self.width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(Self.width)) \(n(height))\" "
        svg += "font-family=\"sans-serif\" font-size=\"12\" role=\"img\">\n"
        svg += "<title>\(text(title))</title>\n"
        svg += "<rect x=\"0\" y=\"0\" width=\"\(n(Self.width))\" height=\"\(n(height))\" fill=\"#ffffff\"/>\n"
        svg += "<text x=\"\(n(Self.plotLeft))\" y=\"22\" font-size=\"15\" font-weight=\"bold\">\(text(title))</text>\n"

        // Grid and tick labels first, so lines draw over them.
        var grid = ""
        for tick in xTicks {
            grid += "M\(n(px(tick.value))) \(n(Self.plotTop))V\(n(bottom))"
            svg += "<text x=\"\(n(px(tick.value)))\" y=\"\(n(bottom + 16))\" text-anchor=\"middle\">\(text(tick.label))</text>\n"
        }
        for tick in yTicks {
            grid += "M\(n(Self.plotLeft)) \(n(py(tick.value)))H\(n(right))"
            svg += "<text x=\"\(n(Self.plotLeft - 6))\" y=\"\(n(py(tick.value) + 4))\" text-anchor=\"end\">\(text(tick.label))</text>\n"
        }
        svg += "<path class=\"grid\" d=\"\(grid)\" stroke=\"#e3e3e3\" stroke-width=\"1\" fill=\"none\"/>\n"
        svg += "<path class=\"axes\" d=\"M\(n(Self.plotLeft)) \(n(Self.plotTop))V\(n(bottom))H\(n(right))\" "
        svg += "stroke=\"#333333\" stroke-width=\"1\" fill=\"none\"/>\n"
        svg +=
            "<text x=\"\(n(Self.plotLeft + Self.plotWidth / 2))\" y=\"\(n(bottom + 40))\" text-anchor=\"middle\">\(text(xLabel))</text>\n"
        let yLabelX = n(18)
        let yLabelY = n(Self.plotTop + Self.plotHeight / 2)
        svg +=
            "<text x=\"\(yLabelX)\" y=\"\(yLabelY)\" text-anchor=\"middle\" transform=\"rotate(-90 \(yLabelX) \(yLabelY))\">\(text(yLabel))</text>\n"

        if lines.allSatisfy({ $0.points.isEmpty }) {
            svg += "<text x=\"\(n(Self.plotLeft + Self.plotWidth / 2))\" y=\"\(n(Self.plotTop + Self.plotHeight / 2))\" "
            svg += "text-anchor=\"middle\" fill=\"#777777\">\(text(emptyNote))</text>\n"
        }
        for line in lines where !line.points.isEmpty {
            let points = line.points.filter { $0.x.isFinite && $0.y.isFinite }
                .map { "\(n(px($0.x))),\(n(py($0.y)))" }.joined(separator: " ")
            svg += "<polyline class=\"series\" data-series=\"\(attr(line.name))\" points=\"\(points)\" fill=\"none\" "
            svg += "stroke=\"\(line.color)\" stroke-width=\"1.8\"\(line.dashed ? " stroke-dasharray=\"6 4\"" : "")>"
            svg += "<title>\(text(line.name))</title></polyline>\n"
            if line.markers {
                for point in line.points where point.x.isFinite && point.y.isFinite {
                    svg += "<circle cx=\"\(n(px(point.x)))\" cy=\"\(n(py(point.y)))\" r=\"3\" fill=\"\(line.color)\"/>\n"
                }
            }
        }
        for (row, line) in lines.enumerated() {
            let y = Self.plotTop + Double(row) * Self.legendRowHeight + 6
            svg += "<path class=\"legend\" d=\"M\(n(Self.legendLeft)) \(n(y))h24\" stroke=\"\(line.color)\" stroke-width=\"2\""
            svg += "\(line.dashed ? " stroke-dasharray=\"6 4\"" : "")/>"
            svg += "<text x=\"\(n(Self.legendLeft + 30))\" y=\"\(n(y + 4))\">\(text(line.name))</text>\n"
        }
        svg += "</svg>"
        return svg
    }

    /// Coordinates with one decimal: finer than a pixel, and keeps the file small.
    func n(_ value: Double) -> String { String(format: "%.1f", value) }
    func text(_ value: String) -> String { XMLEscape.text(value) }
    func attr(_ value: String) -> String { XMLEscape.attribute(value) }
}
