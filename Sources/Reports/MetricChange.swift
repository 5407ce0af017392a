/// One metric of one series that moved past its limit between two runs.
public struct MetricChange: Sendable, Equatable, Codable {
    /// The metric's name (`p99`, `throughput`, ...).
    public var metric: String
    /// The series' name.
    public var series: String
    /// The metric in the base run (nanoseconds for latencies, ops/s for throughput).
    public var base: Double
    /// The metric in the new run, same unit.
    public var new: Double
    /// `(new - base) / base`; nil when the base is 0 (any growth from 0 is unbounded).
    public var change: Double?
    /// The allowed worsening as a fraction (0.10 for 10%).
    public var limit: Double

    /// A change from its parts.
    public init(metric: String, series: String, base: Double, new: Double, change: Double?, limit: Double) {
        self.metric = metric
        self.series = series
        self.base = base
        self.new = new
        self.change = change
        self.limit = limit
    }
}
