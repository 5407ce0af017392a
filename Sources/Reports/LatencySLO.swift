/// A latency objective: the corrected latency at `level` at most `nanoseconds` (`--slo
/// p99=5ms`). A rate sweep reports the highest offered rate that meets it.
public struct LatencySLO: Codable, Sendable, Equatable {
    public var level: PercentileLevel
    public var nanoseconds: UInt64

    public init(level: PercentileLevel, nanoseconds: UInt64) {
        self.level = level
        self.nanoseconds = nanoseconds
    }

    /// Whether `series` met it: corrected latency (from the intended start, so a stall that
    /// delays later requests counts against them), and not the uncorrected one.
    public func isMet(by series: SeriesSummary) -> Bool {
        level.value(in: series.correctedLatencyNanos) <= nanoseconds
    }

    /// "p99 <= 5000 µs".
    public var description: String { "\(level.label) <= \(ReportFormat.micros(nanoseconds)) µs" }

    enum CodingKeys: String, CodingKey {
        case nanoseconds
        case level = "percentile"
    }
}
