/// A JSON string value inside a decoded buffer: the bytes between the quotes, still escaped.
///
/// The hot path keeps spans instead of `String`s so that reading a claim allocates nothing;
/// only the rare escaped string is unescaped, into temporary memory.
struct JSONSpan: Sendable, Equatable {
    var start: Int
    var end: Int
    /// True when the raw bytes contain a backslash escape and differ from the value.
    var hasEscapes: Bool
    /// FNV-1a of the unescaped value, for duplicate-name detection.
    var hash: UInt32
    /// Byte count of the unescaped value.
    var unescapedCount: Int
}
