/// Why bytes could not be decoded as an HdrHistogram V2 encoding (or a histogram encoded).
public enum HistogramEncodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input ended before the named part.
    case truncated(String)
    /// The first four bytes are not an HdrHistogram cookie this reader knows.
    case unknownCookie(UInt32)
    /// A real HdrHistogram encoding, but a variant this reader does not decode (V0/V1, a
    /// shifted DoubleHistogram).
    case unsupported(String)
    /// A header field is out of range (significant digits, lowest/highest trackable values).
    case invalidHeader(String)
    /// zlib could not inflate the payload, or it inflated beyond the size limit.
    case decompressionFailed
    /// zlib could not deflate (should not happen short of memory exhaustion).
    case compressionFailed
    /// A count lands at an index no 64-bit value maps to.
    case countOutsideRange(index: Int)
    /// The text is not base64.
    case invalidBase64
    /// A count does not fit the signed 64-bit varint of the wire format.
    case countTooLarge(UInt64)

    public var description: String {
        switch self {
        case .truncated(let part): return "histogram encoding truncated in \(part)"
        case .unknownCookie(let c): return "not an HdrHistogram encoding (cookie 0x\(String(c, radix: 16)))"
        case .unsupported(let what): return "unsupported HdrHistogram encoding: \(what)"
        case .invalidHeader(let what): return "invalid HdrHistogram header: \(what)"
        case .decompressionFailed: return "histogram payload does not inflate (corrupt or too large)"
        case .compressionFailed: return "zlib could not compress the histogram"
        case .countOutsideRange(let i): return "histogram count at index \(i) is outside any 64-bit value"
        case .invalidBase64: return "histogram payload is not valid base64"
        case .countTooLarge(let c): return "count \(c) exceeds the encoding's signed 64-bit range"
        }
    }
}
