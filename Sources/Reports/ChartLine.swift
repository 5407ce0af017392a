/// One line of an SVG chart: points in data units, drawn solid or dashed, optionally with a
/// marker at every point (so a one-point line still shows).
struct ChartLine: Sendable {
    var name: String
    var color: String
    var dashed: Bool
    var markers: Bool
    var points: [(x: Double, y: Double)]

    init(name: String, color: String, dashed: Bool = false, markers: Bool = false, points: [(x: Double, y: Double)]) {
        self.name = name
        self.color = color
        self.dashed = dashed
        self.markers = markers
        self.points = points
    }

    /// A qualitative palette (Tableau 10): distinguishable, and readable in print.
    static let palette = [
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
        "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    ]

    static func color(_ index: Int) -> String { palette[index % palette.count] }
}
