import Foundation
import Histogram

/// HdrHistogram's V2 binary encoding of a histogram, plain and compressed: the payload of
/// `.hlog` lines, byte-compatible with Java's `encodeIntoCompressedByteBuffer` and
/// `decodeFromCompressedByteBuffer` (and the C, Go, Rust and JS ports).
///
/// Layout (all big-endian): cookie `0x1c849313` (V2 base `0x1c849303` with the 0x10 word-size
/// flag), payload length, normalizing index offset (0), significant digits, lowest
/// discernible value (8 bytes), highest trackable value (8 bytes), integer-to-double ratio (an
/// 8-byte IEEE double, 1.0), then the counts array up to the max value's index as ZigZag
/// LEB128-64b9B varints where a negative number `-n` stands for `n` consecutive zero counts.
/// The compressed form is cookie `0x1c849314`, the compressed length, then the zlib stream.
public enum HistogramEncoding {
    /// V2 plain cookie as written (base `0x1c849303` | word-size flag `0x10`).
    public static let cookie: UInt32 = 0x1C84_9313
    /// V2 compressed cookie as written (base `0x1c849304` | `0x10`): base64 starts "HISTF".
    public static let compressedCookie: UInt32 = 0x1C84_9314
    static let cookieBase: UInt32 = 0x1C84_9303
    static let compressedCookieBase: UInt32 = 0x1C84_9304
    static let headerSize = 40
    /// The largest inflated encoding accepted: above any real layout's full counts array
    /// (lowest 1, 5 digits needs about 55 MB), so only corrupt input hits it.
    static let inflateLimit = 64 << 20

    /// The uncompressed V2 encoding of `histogram`.
    public static func encode(_ histogram: Histogram<UInt64>) throws -> [UInt8] {
        guard let layout = HistogramLayout(of: histogram) else {
            throw HistogramEncodingError.invalidHeader("histogram layout out of range")
        }
        var payload: [UInt8] = []
        var nextIndex = 0
        for value in histogram.recordedValues() {
            let index = layout.index(for: value.value)
            appendZeroRun(index - nextIndex, to: &payload)
            guard value.count <= UInt64(Int64.max) else { throw HistogramEncodingError.countTooLarge(value.count) }
            ZigZagVarint.append(Int64(value.count), to: &payload)
            nextIndex = index + 1
        }
        // Java always writes at least index 0 (the counts limit is the max value's index + 1),
        // so an empty histogram still carries one zero count.
        if nextIndex == 0 { ZigZagVarint.append(0, to: &payload) }

        var bytes: [UInt8] = []
        bytes.reserveCapacity(headerSize + payload.count)
        appendBigEndian(cookie, to: &bytes)
        appendBigEndian(UInt32(payload.count), to: &bytes)
        appendBigEndian(UInt32(0), to: &bytes)  // normalizing index offset: integer histograms never shift
        appendBigEndian(UInt32(layout.significantDigits), to: &bytes)
        appendBigEndian(histogram.lowestDiscernibleValue, to: &bytes)
        // Java reads these as signed longs; never write a value it would see as negative.
        appendBigEndian(min(histogram.highestTrackableValue, UInt64(Int64.max)), to: &bytes)
        appendBigEndian((1.0 as Double).bitPattern, to: &bytes)
        bytes += payload
        return bytes
    }

    /// The compressed V2 encoding (zlib level 9, like Java's log writer).
    public static func encodeCompressed(_ histogram: Histogram<UInt64>) throws -> [UInt8] {
        guard let deflated = Zlib.compress(try encode(histogram)) else {
            throw HistogramEncodingError.compressionFailed
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + deflated.count)
        appendBigEndian(compressedCookie, to: &bytes)
        appendBigEndian(UInt32(deflated.count), to: &bytes)
        return bytes + deflated
    }

    /// The base64 text of the compressed encoding: what an `.hlog` line carries.
    public static func compressedBase64(_ histogram: Histogram<UInt64>) throws -> String {
        Data(try encodeCompressed(histogram)).base64EncodedString()
    }

    /// Decodes a compressed encoding from its base64 text.
    public static func decode(base64 text: String) throws -> Histogram<UInt64> {
        guard let data = Data(base64Encoded: text) else { throw HistogramEncodingError.invalidBase64 }
        return try decodeCompressed([UInt8](data))
    }

    /// The cookie (the first 4 bytes, word size bits masked) must be `expected`; Java's older
    /// `legacy` cookies are named as unsupported, anything else as unknown.
    private static func checkCookie(_ bytes: [UInt8], expected: UInt32, legacy: [UInt32], _ legacyName: String) throws {
        let cookie = readBigEndian(UInt32.self, bytes, at: 0)
        guard cookie & ~0xF0 == expected else {
            if legacy.contains(cookie & ~0xF0) { throw HistogramEncodingError.unsupported(legacyName) }
            throw HistogramEncodingError.unknownCookie(cookie)
        }
    }

    /// Decodes a compressed V2 encoding.
    public static func decodeCompressed(_ bytes: [UInt8]) throws -> Histogram<UInt64> {
        guard bytes.count >= 8 else { throw HistogramEncodingError.truncated("compressed header") }
        try checkCookie(bytes, expected: compressedCookieBase, legacy: [0x1C84_9309, 0x1C84_9302], "V0/V1 compressed encoding")
        let length = Int(readBigEndian(UInt32.self, bytes, at: 4))
        guard length <= bytes.count - 8 else { throw HistogramEncodingError.truncated("compressed payload") }
        guard let inflated = Zlib.decompress(Array(bytes[8..<(8 + length)]), limit: inflateLimit) else {
            throw HistogramEncodingError.decompressionFailed
        }
        return try decode(inflated)
    }

    /// Decodes an uncompressed V2 encoding.
    ///
    /// Each non-empty bucket is recorded at its highest equivalent value, except the lowest
    /// non-zero bucket, recorded at its lowest: the state Java's decoder establishes (max =
    /// highest equivalent of the top bucket, min = lowest equivalent of the bottom one).
    public static func decode(_ bytes: [UInt8]) throws -> Histogram<UInt64> {
        guard bytes.count >= headerSize else { throw HistogramEncodingError.truncated("header") }
        try checkCookie(bytes, expected: cookieBase, legacy: [0x1C84_9308, 0x1C84_9301], "V0/V1 encoding")
        let payloadLength = Int(readBigEndian(UInt32.self, bytes, at: 4))
        let normalizingOffset = Int32(bitPattern: readBigEndian(UInt32.self, bytes, at: 8))
        let digits = Int32(bitPattern: readBigEndian(UInt32.self, bytes, at: 12))
        let lowest = Int64(bitPattern: readBigEndian(UInt64.self, bytes, at: 16))
        let highest = Int64(bitPattern: readBigEndian(UInt64.self, bytes, at: 24))
        guard normalizingOffset == 0 else {
            throw HistogramEncodingError.unsupported("normalizing index offset \(normalizingOffset) (a DoubleHistogram)")
        }
        guard lowest >= 1,
            let layout = HistogramLayout(
                lowestDiscernibleValue: UInt64(lowest),
                significantDigits: Int(digits)),
            let sigDigits = SignificantDigits(rawValue: Int8(digits))
        else {
            throw HistogramEncodingError.invalidHeader("lowest discernible value \(lowest), \(digits) significant digits")
        }
        guard highest / 2 >= lowest else {
            throw HistogramEncodingError.invalidHeader("highest trackable value \(highest) < 2 * lowest \(lowest)")
        }
        guard payloadLength <= bytes.count - headerSize else { throw HistogramEncodingError.truncated("counts payload") }

        // Collect the non-empty buckets first: the min/max choice below needs to know them all.
        var buckets: [(index: Int, count: UInt64)] = []
        var position = headerSize
        let end = headerSize + payloadLength
        var index = 0
        let limit = layout.indexLimit
        while position < end {
            guard let word = ZigZagVarint.read(bytes, at: &position, end: end) else {
                throw HistogramEncodingError.truncated("counts varint")
            }
            if word < 0 {
                guard word != Int64.min, index <= limit - Int(-word) else {
                    throw HistogramEncodingError.countOutsideRange(index: index)
                }
                index += Int(-word)
            } else {
                if word > 0 {
                    guard index < limit else { throw HistogramEncodingError.countOutsideRange(index: index) }
                    buckets.append((index, UInt64(word)))
                }
                index += 1
            }
        }

        var histogram = Histogram<UInt64>(
            lowestDiscernibleValue: UInt64(lowest),
            highestTrackableValue: UInt64(highest),
            numberOfSignificantValueDigits: sigDigits)
        // The header's highest trackable value is advisory (Java writers size it, Swift
        // auto-resizing ones may record past it within their array); never drop a count for it.
        histogram.autoResize = true
        let lowestNonZero = buckets.first { $0.index != 0 }?.index
        let top = buckets.last?.index
        for (i, count) in buckets {
            let recorded: Bool
            if i == lowestNonZero, i == top, count >= 2 {
                recorded =
                    histogram.record(layout.lowestValue(at: i), count: 1)
                    && histogram.record(layout.highestValue(at: i), count: count - 1)
            } else if i == lowestNonZero, i != top {
                recorded = histogram.record(layout.lowestValue(at: i), count: count)
            } else {
                recorded = histogram.record(layout.highestValue(at: i), count: count)
            }
            guard recorded else { throw HistogramEncodingError.countOutsideRange(index: i) }
        }
        return histogram
    }

    static func appendZeroRun(_ zeros: Int, to bytes: inout [UInt8]) {
        // Java writes a lone zero as a zero count and only longer runs as a negative length.
        if zeros == 1 {
            ZigZagVarint.append(0, to: &bytes)
        } else if zeros > 1 {
            ZigZagVarint.append(-Int64(zeros), to: &bytes)
        }
    }

    static func appendBigEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    static func readBigEndian<T: FixedWidthInteger>(_ type: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
        var value: T = 0
        for i in 0..<MemoryLayout<T>.size { value = value << 8 | T(bytes[offset + i]) }
        return value
    }
}
