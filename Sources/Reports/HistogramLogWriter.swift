import Foundation
import Histogram

/// Writes HdrHistogram interval logs (`.hlog`) in the standard format (log format 1.3), so
/// `HistogramLogProcessor`, HdrHistogram plotters and other ports read what we write:
///
/// ```
/// #[Logged with jwtbench]
/// #[Histogram log format version 1.3]
/// #[StartTime: 1441753532.570 (seconds since epoch), Tue Sep 08 23:05:32 UTC 2015]
/// #[BaseTime: 1441753532.570 (seconds since epoch)]
/// "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"
/// Tag=RS256-2t,0.000,1.000,0.052,HISTFAAAA...
/// ```
///
/// Units: values are recorded in nanoseconds. Timestamps and lengths are seconds with three
/// decimals, relative to the base time. The `Interval_Max` column is the interval's max divided
/// by `maxValueUnitRatio`, 1,000,000 by default: Java's own default, which assumes nanosecond
/// values and shows the max in milliseconds. Readers take the max from the histogram, not this
/// column, so the ratio only affects what a human sees.
public struct HistogramLogWriter: Sendable {
    /// The log format version this writer produces.
    public static let formatVersion = "1.3"
    /// The column legend every HdrHistogram log writer emits before the first interval.
    public static let legend = "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\""
    /// Java's default ratio for the max column: nanoseconds recorded, milliseconds shown.
    public static let defaultMaxValueUnitRatio = 1_000_000.0

    /// The log text written so far (header plus every appended interval).
    public private(set) var text: String
    /// The ratio the max column is divided by.
    public let maxValueUnitRatio: Double

    /// Starts a log: optional `#[comment]`, format version, start time, base time (when given)
    /// and the legend. Timestamps of appended intervals are relative to the base time.
    public init(
        startTime: Double?, baseTime: Double? = nil, comments: [String] = ["[Logged with jwtbench]"],
        maxValueUnitRatio: Double = HistogramLogWriter.defaultMaxValueUnitRatio
    ) throws {
        guard maxValueUnitRatio.isFinite, maxValueUnitRatio > 0 else {
            throw HistogramLogError.invalidNumber("max value unit ratio \(maxValueUnitRatio)")
        }
        self.maxValueUnitRatio = maxValueUnitRatio
        var header = ""
        for comment in comments {
            // A newline would end the comment and start a line readers take for data.
            header += "#" + comment.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ") + "\n"
        }
        header += "#[Histogram log format version \(Self.formatVersion)]\n"
        if let startTime {
            guard startTime.isFinite else { throw HistogramLogError.invalidNumber("start time \(startTime)") }
            header += "#[StartTime: \(Self.seconds(startTime)) (seconds since epoch), \(Self.javaDateString(startTime))]\n"
        }
        if let baseTime {
            guard baseTime.isFinite else { throw HistogramLogError.invalidNumber("base time \(baseTime)") }
            header += "#[BaseTime: \(Self.seconds(baseTime)) (seconds since epoch)]\n"
        }
        header += Self.legend + "\n"
        text = header
    }

    /// Starts a log whose timestamps are relative to `startTime` (written as both the start
    /// and the base time, which is what `jHiccup` and Java's `HistogramLogProcessor` expect).
    public init(startTime: Date, maxValueUnitRatio: Double = HistogramLogWriter.defaultMaxValueUnitRatio) throws {
        let seconds = startTime.timeIntervalSince1970
        try self.init(startTime: seconds, baseTime: seconds, maxValueUnitRatio: maxValueUnitRatio)
    }

    /// Appends one interval line.
    public mutating func append(_ interval: IntervalHistogram) throws {
        text += try Self.line(for: interval, maxValueUnitRatio: maxValueUnitRatio)
    }

    /// Appends one interval line built from its parts.
    public mutating func append(
        _ histogram: Histogram<UInt64>, tag: String?, startSeconds: Double,
        lengthSeconds: Double
    ) throws {
        try append(
            IntervalHistogram(
                tag: tag, startSeconds: startSeconds, lengthSeconds: lengthSeconds,
                histogram: histogram))
    }

    /// Renders a whole log (header from its start/base time and comments, then its intervals).
    public static func render(_ log: HistogramLog, maxValueUnitRatio: Double = defaultMaxValueUnitRatio) throws -> String {
        var writer = try HistogramLogWriter(
            startTime: log.startTime, baseTime: log.baseTime,
            comments: log.comments.filter { !$0.hasPrefix("[Histogram log format version") },
            maxValueUnitRatio: maxValueUnitRatio)
        for interval in log.intervals { try writer.append(interval) }
        return writer.text
    }

    /// True when `tag` can be written: non-empty, no comma, no whitespace or line break.
    public static func isValidTag(_ tag: String) -> Bool {
        !tag.isEmpty && !tag.unicodeScalars.contains { $0 == "," || CharacterSet.whitespacesAndNewlines.contains($0) }
    }

    static func line(for interval: IntervalHistogram, maxValueUnitRatio: Double) throws -> String {
        guard interval.startSeconds.isFinite, interval.lengthSeconds.isFinite else {
            throw HistogramLogError.invalidNumber("interval \(interval.startSeconds)+\(interval.lengthSeconds)")
        }
        var line = ""
        if let tag = interval.tag {
            guard isValidTag(tag) else { throw HistogramLogError.invalidTag(tag) }
            line = "Tag=\(tag),"
        }
        let payload = try HistogramEncoding.compressedBase64(interval.histogram)
        let maxColumn = Double(interval.histogram.max) / maxValueUnitRatio
        line += "\(seconds(interval.startSeconds)),\(seconds(interval.lengthSeconds)),\(seconds(maxColumn)),\(payload)\n"
        return line
    }

    /// Java's `%.3f` with `Locale.US`: C's `%.3f` never uses a locale's decimal comma here.
    static func seconds(_ value: Double) -> String {
        String(format: "%.3f", value)
    }

    /// `java.util.Date.toString()` ("EEE MMM dd HH:mm:ss zzz yyyy"), in UTC. Readers ignore it;
    /// it is there for humans, in the shape they know from Java-written logs.
    static func javaDateString(_ secondsSinceEpoch: Double) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE MMM dd HH:mm:ss 'UTC' yyyy"
        return formatter.string(from: Date(timeIntervalSince1970: secondsSinceEpoch))
    }
}
