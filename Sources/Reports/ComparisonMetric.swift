/// A summary metric that `report compare` can hold to a limit.
///
/// Names in a limits string: `p50` ... `p99.999`, `max`, `mean` (corrected latency),
/// `uncorrected.p99` etc. (uncorrected latency), `throughput` (operations per second),
/// `allocations` and `bytes` (per operation).
public enum ComparisonMetric: Sendable, Hashable, CustomStringConvertible {
    case latency(PercentileLevel, corrected: Bool)
    case meanLatency(corrected: Bool)
    case throughput
    case allocationsPerOperation
    case bytesPerOperation

    /// Every metric, in report order.
    public static let all: [ComparisonMetric] =
        PercentileLevel.allCases.map { .latency($0, corrected: true) } + [.meanLatency(corrected: true)]
        + PercentileLevel.allCases.map { .latency($0, corrected: false) } + [.meanLatency(corrected: false)]
        + [.throughput, .allocationsPerOperation, .bytesPerOperation]

    /// The name used in limits strings and reports.
    public var name: String {
        switch self {
        case .latency(let level, let corrected): return (corrected ? "" : "uncorrected.") + level.label
        case .meanLatency(let corrected): return corrected ? "mean" : "uncorrected.mean"
        case .throughput: return "throughput"
        case .allocationsPerOperation: return "allocations"
        case .bytesPerOperation: return "bytes"
        }
    }

    public var description: String { name }

    /// The metric with this name, if any.
    public init?(name: String) {
        guard let metric = Self.all.first(where: { $0.name == name }) else { return nil }
        self = metric
    }

    /// Whether a larger value is worse (latency, allocations) or better (throughput).
    public var higherIsWorse: Bool { self != .throughput }

    /// The metric's value in a series; nil when the series did not measure it.
    public func value(in series: SeriesSummary) -> Double? {
        switch self {
        case .latency(let level, let corrected):
            return Double((corrected ? series.correctedLatencyNanos : series.uncorrectedLatencyNanos)[level])
        case .meanLatency(let corrected):
            return corrected ? series.correctedLatencyNanos.mean : series.uncorrectedLatencyNanos.mean
        case .throughput: return series.operationsPerSecond
        case .allocationsPerOperation: return series.allocationsPerOperation
        case .bytesPerOperation: return series.bytesPerOperation
        }
    }

    /// A value of this metric for people: µs for latencies, ops/s, or a plain number.
    public func format(_ value: Double) -> String {
        switch self {
        case .latency, .meanLatency: return ReportFormat.micros(value) + " µs"
        case .throughput: return ReportFormat.rate(value) + " ops/s"
        case .allocationsPerOperation, .bytesPerOperation: return ReportFormat.plain(value)
        }
    }
}
