// swift-format-ignore-file: AlwaysUseLowerCamelCase
// The percentile names mirror their labels (p99_9 is "p99.9"), which are report-schema keys.

import Histogram

/// The fixed latency percentiles users expect from wrk2 and HdrHistogram, in nanoseconds.
///
/// Values are what `Histogram.valueAtPercentile` reports (the highest value equivalent to the
/// bucket, within the histogram's precision); `max` is the histogram's max at the same
/// resolution, so a summary computed in the load driver and one recomputed from an `.hlog`
/// after a merge agree.
public struct LatencyPercentiles: Codable, Sendable, Equatable {
    /// Median.
    public var p50: UInt64
    /// 75th percentile.
    public var p75: UInt64
    /// 90th percentile.
    public var p90: UInt64
    /// 99th percentile.
    public var p99: UInt64
    /// 99.9th percentile (JSON key `p99.9`).
    public var p99_9: UInt64
    /// 99.99th percentile (JSON key `p99.99`).
    public var p99_99: UInt64
    /// 99.999th percentile (JSON key `p99.999`).
    public var p99_999: UInt64
    /// Largest value, at the histogram's resolution.
    public var max: UInt64
    /// Mean of the recorded values (bucket midpoints, as HdrHistogram computes it).
    public var mean: Double

    /// Percentiles given directly (nanoseconds).
    public init(
        p50: UInt64, p75: UInt64, p90: UInt64, p99: UInt64, p99_9: UInt64, p99_99: UInt64,
        p99_999: UInt64, max: UInt64, mean: Double
    ) {
        self.p50 = p50
        self.p75 = p75
        self.p90 = p90
        self.p99 = p99
        self.p99_9 = p99_9
        self.p99_99 = p99_99
        self.p99_999 = p99_999
        self.max = max
        self.mean = mean
    }

    /// The value at `level`.
    public subscript(level: PercentileLevel) -> UInt64 { level.value(in: self) }

    /// Reads every percentile from a histogram of nanosecond values (all zero when empty).
    public init(histogram: Histogram<UInt64>) {
        guard histogram.totalCount > 0 else {
            self.init(p50: 0, p75: 0, p90: 0, p99: 0, p99_9: 0, p99_99: 0, p99_999: 0, max: 0, mean: 0)
            return
        }
        self.init(
            p50: histogram.valueAtPercentile(50), p75: histogram.valueAtPercentile(75),
            p90: histogram.valueAtPercentile(90), p99: histogram.valueAtPercentile(99),
            p99_9: histogram.valueAtPercentile(99.9), p99_99: histogram.valueAtPercentile(99.99),
            p99_999: histogram.valueAtPercentile(99.999), max: histogram.max, mean: histogram.mean)
    }

    enum CodingKeys: String, CodingKey {
        case p50, p75, p90, p99, max, mean
        case p99_9 = "p99.9"
        case p99_99 = "p99.99"
        case p99_999 = "p99.999"
    }
}
