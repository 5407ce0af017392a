import CZlib

/// zlib-wrapped DEFLATE, the compression of HdrHistogram's compressed encoding (Java's
/// `Deflater` with its default zlib header and Adler-32 trailer, not raw DEFLATE or gzip).
enum Zlib {
    /// Level 9, as the Java `HistogramLogWriter` uses (`Deflater.BEST_COMPRESSION`).
    static func compress(_ input: [UInt8], level: Int32 = 9) -> [UInt8]? {
        var capacity = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let status = output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { src in
                compress2(out.baseAddress, &capacity, src.baseAddress, uLong(src.count), level)
            }
        }
        guard status == Z_OK else { return nil }
        output.removeSubrange(Int(capacity)...)
        return output
    }

    /// Inflates a complete zlib stream. The output size is unknown up front, so the buffer
    /// doubles until it fits, up to `limit` bytes: a corrupt or hostile log cannot make the
    /// reader allocate without bound.
    static func decompress(_ input: [UInt8], limit: Int) -> [UInt8]? {
        var capacity = max(64, min(limit, input.count * 8))
        while true {
            var output = [UInt8](repeating: 0, count: capacity)
            var produced = uLong(capacity)
            let status = output.withUnsafeMutableBufferPointer { out in
                input.withUnsafeBufferPointer { src in
                    uncompress(out.baseAddress, &produced, src.baseAddress, uLong(src.count))
                }
            }
            switch status {
            case Z_OK:
                output.removeSubrange(Int(produced)...)
                return output
            case Z_BUF_ERROR where capacity < limit:
                // zlib reports a truncated input as Z_DATA_ERROR, so this is only "too small".
                capacity = min(limit, capacity * 2)
            default:
                return nil
            }
        }
    }
}
