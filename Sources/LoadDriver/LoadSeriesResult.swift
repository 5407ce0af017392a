import Reports

/// One series (one thread count, one workload) as measured.
public struct LoadSeriesResult: Sendable {
    public var summary: SeriesSummary
    public var histograms: SeriesHistograms
    /// The first mismatches (id, expected, got), for the console.
    public var firstMismatches: [String]
}
