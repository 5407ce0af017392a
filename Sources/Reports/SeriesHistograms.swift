import Histogram

/// The latency histograms of one series: per-interval histograms (1 s by convention, after
/// warm-up), corrected and uncorrected, in nanoseconds.
///
/// The intervals are the data: the whole-series histograms are their merge, which is what
/// makes a run's `.hlog` enough to rebuild its report, and shards mergeable.
public struct SeriesHistograms: Sendable, Equatable {
    /// Latency from the intended start, one histogram per interval. Start times are seconds
    /// from the run's start.
    public var corrected: [IntervalHistogram]
    /// Latency from the actual start, same intervals.
    public var uncorrected: [IntervalHistogram]

    /// A series recorded as intervals.
    public init(corrected: [IntervalHistogram], uncorrected: [IntervalHistogram]) {
        self.corrected = corrected
        self.uncorrected = uncorrected
    }

    /// A series recorded as one interval (`startSeconds` from the run's start).
    public init(
        corrected: Histogram<UInt64>, uncorrected: Histogram<UInt64>, startSeconds: Double = 0,
        lengthSeconds: Double
    ) {
        self.init(
            corrected: [
                IntervalHistogram(
                    startSeconds: startSeconds, lengthSeconds: lengthSeconds,
                    histogram: corrected)
            ],
            uncorrected: [
                IntervalHistogram(
                    startSeconds: startSeconds, lengthSeconds: lengthSeconds,
                    histogram: uncorrected)
            ])
    }

    /// All corrected intervals added together.
    public func correctedTotal() throws -> Histogram<UInt64> {
        try HistogramMerge.merge(corrected.map(\.histogram))
    }

    /// All uncorrected intervals added together.
    public func uncorrectedTotal() throws -> Histogram<UInt64> {
        try HistogramMerge.merge(uncorrected.map(\.histogram))
    }

    /// The `.hlog` tag of a series' corrected intervals: the series name.
    public static func correctedTag(series: String) -> String { series }

    /// The `.hlog` tag of a series' uncorrected intervals.
    public static func uncorrectedTag(series: String) -> String { series + ".uncorrected" }
}
