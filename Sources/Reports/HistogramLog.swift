/// An HdrHistogram interval log (`.hlog`) in memory: what `HistogramLogReader` parses and
/// `HistogramLogWriter` renders.
public struct HistogramLog: Sendable, Equatable {
    /// `#[StartTime: ...]` in seconds since the epoch, when the log has one.
    public var startTime: Double?
    /// `#[BaseTime: ...]` in seconds since the epoch: what interval timestamps are relative to.
    public var baseTime: Double?
    /// Other comment lines, without the leading `#`.
    public var comments: [String]
    /// The interval lines in file order.
    public var intervals: [IntervalHistogram]

    /// A log from its parts (all optional: an empty log).
    public init(
        startTime: Double? = nil, baseTime: Double? = nil, comments: [String] = [],
        intervals: [IntervalHistogram] = []
    ) {
        self.startTime = startTime
        self.baseTime = baseTime
        self.comments = comments
        self.intervals = intervals
    }

    /// What interval timestamps are relative to, by Java's `HistogramLogReader` rule: the
    /// explicit base time; else, when the first timestamp is more than a year before the start
    /// time, the start time (timestamps are relative); else 0 (timestamps are absolute).
    public var effectiveBaseTime: Double {
        if let baseTime { return baseTime }
        if let startTime, let first = intervals.first, first.startSeconds < startTime - 365 * 24 * 3600 {
            return startTime
        }
        return 0
    }

    /// The interval's start in seconds since the epoch.
    public func absoluteStartSeconds(of interval: IntervalHistogram) -> Double {
        effectiveBaseTime + interval.startSeconds
    }

    /// The distinct tags in order of first appearance (nil for untagged lines).
    public var tags: [String?] {
        var seen: [String?] = []
        for interval in intervals where !seen.contains(interval.tag) { seen.append(interval.tag) }
        return seen
    }

    /// The intervals carrying `tag` (nil: the untagged ones), in file order.
    public func intervals(tagged tag: String?) -> [IntervalHistogram] {
        intervals.filter { $0.tag == tag }
    }
}
