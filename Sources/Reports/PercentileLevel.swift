// swift-format-ignore-file: AlwaysUseLowerCamelCase
// The percentile names mirror their labels (p99_9 is "p99.9"), which are report-schema keys.

/// The fixed percentile levels of a summary (wrk2's 50/75/90/99/99.9/99.99/99.999/100), in
/// report order.
public enum PercentileLevel: String, CaseIterable, Sendable, Codable {
    case p50, p75, p90, p99
    case p99_9 = "p99.9"
    case p99_99 = "p99.99"
    case p99_999 = "p99.999"
    case max

    /// The label used in reports, comparison limits and JSON keys (`p99.9`, `max`).
    public var label: String { rawValue }

    /// The percentile in percent (100 for max).
    public var percentile: Double {
        switch self {
        case .p50: return 50
        case .p75: return 75
        case .p90: return 90
        case .p99: return 99
        case .p99_9: return 99.9
        case .p99_99: return 99.99
        case .p99_999: return 99.999
        case .max: return 100
        }
    }

    /// This level's value in `percentiles`.
    public func value(in percentiles: LatencyPercentiles) -> UInt64 {
        switch self {
        case .p50: return percentiles.p50
        case .p75: return percentiles.p75
        case .p90: return percentiles.p90
        case .p99: return percentiles.p99
        case .p99_9: return percentiles.p99_9
        case .p99_99: return percentiles.p99_99
        case .p99_999: return percentiles.p99_999
        case .max: return percentiles.max
        }
    }
}
