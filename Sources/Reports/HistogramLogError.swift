/// Why an interval log could not be written, read or merged.
public enum HistogramLogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Tags end at a comma and readers split on whitespace, so a tag may contain neither.
    case invalidTag(String)
    /// A timestamp, length or ratio that cannot be written (NaN, infinite, ratio <= 0).
    case invalidNumber(String)
    /// A line (1-based) that is neither a comment, the legend, nor `[Tag=..,]start,length,max,payload`.
    case malformedLine(line: Int, reason: String)
    /// A line (1-based) whose histogram payload does not decode.
    case invalidHistogram(line: Int, HistogramEncodingError)
    /// Histograms with different bucket layouts (lowest discernible value, significant digits)
    /// cannot be added without loss.
    case incompatibleLayouts(tag: String?, reason: String)

    public var description: String {
        switch self {
        case .invalidTag(let t): return "invalid histogram log tag \"\(t)\": must be non-empty, without commas or whitespace"
        case .invalidNumber(let what): return "cannot write \(what) in a histogram log"
        case .malformedLine(let n, let why): return "histogram log line \(n): \(why)"
        case .invalidHistogram(let n, let e): return "histogram log line \(n): \(e)"
        case .incompatibleLayouts(let tag, let why):
            return "cannot merge histograms\(tag.map { " tagged \($0)" } ?? ""): \(why)"
        }
    }
}
