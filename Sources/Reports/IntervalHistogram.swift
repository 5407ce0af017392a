import Histogram

/// One interval of an HdrHistogram interval log: the values recorded between `startSeconds`
/// and `startSeconds + lengthSeconds`, optionally tagged (one tag per series in a shared log).
public struct IntervalHistogram: Sendable, Equatable {
    /// The `Tag=` of the line: no commas or whitespace; nil for an untagged line.
    public var tag: String?
    /// Start of the interval in seconds, relative to the log's base time (as the line shows).
    public var startSeconds: Double
    /// Length of the interval in seconds.
    public var lengthSeconds: Double
    /// The values recorded in the interval (nanoseconds by this project's convention).
    public var histogram: Histogram<UInt64>

    /// An interval from its parts.
    public init(tag: String? = nil, startSeconds: Double, lengthSeconds: Double, histogram: Histogram<UInt64>) {
        self.tag = tag
        self.startSeconds = startSeconds
        self.lengthSeconds = lengthSeconds
        self.histogram = histogram
    }
}
