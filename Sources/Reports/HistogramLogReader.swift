import Foundation

/// Reads HdrHistogram interval logs (`.hlog`, format 1.x) written by `HistogramLogWriter`, by
/// Java's `HistogramLogWriter` (jHiccup, HdrHistogram tools) or the C, Go and Rust ports.
///
/// It follows Java's `HistogramLogScanner`: `#[StartTime: s ...]` and `#[BaseTime: s ...]`
/// comments set the times, other `#` lines are comments, the `"StartTimestamp",...` legend is
/// skipped, and every other non-empty line is `[Tag=<tag>,]<start>,<length>,<max>,<base64>`.
/// The max column is not trusted (the histogram carries its own max).
public enum HistogramLogReader {
    /// Parses a whole log; throws on the first malformed line, naming it.
    public static func parse(_ text: String) throws -> HistogramLog {
        var log = HistogramLog()
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            if line.hasPrefix("#") {
                if let seconds = timeComment(line, prefix: "#[StartTime:") {
                    log.startTime = seconds
                } else if let seconds = timeComment(line, prefix: "#[BaseTime:") {
                    log.baseTime = seconds
                } else {
                    log.comments.append(String(line.dropFirst()))
                }
                continue
            }
            if line.hasPrefix("\"StartTimestamp\"") { continue }
            log.intervals.append(try interval(line, lineNumber: lineNumber))
        }
        return log
    }

    /// Reads and parses a log file.
    public static func read(contentsOf url: URL) throws -> HistogramLog {
        try parse(String(contentsOf: url, encoding: .utf8))
    }

    static func timeComment(_ line: Substring, prefix: String) -> Double? {
        guard line.hasPrefix(prefix) else { return nil }
        let rest = line.dropFirst(prefix.count).drop { $0 == " " }
        let number = rest.prefix { !($0 == " " || $0 == "," || $0 == "]") }
        return Double(number)
    }

    static func interval(_ line: Substring, lineNumber: Int) throws -> IntervalHistogram {
        var rest = line
        var tag: String?
        if rest.hasPrefix("Tag=") {
            guard let comma = rest.firstIndex(of: ",") else {
                throw HistogramLogError.malformedLine(line: lineNumber, reason: "tag without fields")
            }
            tag = String(rest[rest.index(rest.startIndex, offsetBy: 4)..<comma])
            rest = rest[rest.index(after: comma)...]
        }
        let fields = rest.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard fields.count == 4 else {
            throw HistogramLogError.malformedLine(
                line: lineNumber,
                reason: "expected start,length,max,histogram but found \(fields.count) fields")
        }
        guard let start = Double(fields[0]), start.isFinite, let length = Double(fields[1]), length.isFinite,
            Double(fields[2]) != nil
        else {
            throw HistogramLogError.malformedLine(line: lineNumber, reason: "start, length or max is not a number")
        }
        do {
            let histogram = try HistogramEncoding.decode(base64: fields[3])
            return IntervalHistogram(tag: tag, startSeconds: start, lengthSeconds: length, histogram: histogram)
        } catch let error as HistogramEncodingError {
            throw HistogramLogError.invalidHistogram(line: lineNumber, error)
        }
    }
}
