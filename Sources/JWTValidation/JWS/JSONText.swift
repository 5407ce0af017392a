/// Reading already-validated JSON string spans: comparison and unescaping.
enum JSONText {
    /// Calls `body` with the unescaped bytes of `span` (the raw bytes when it has no escapes;
    /// otherwise a temporary buffer, so only escaped strings pay for a copy).
    static func withUnescaped<R>(_ span: JSONSpan, in bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if !span.hasEscapes {
            return body(UnsafeRawBufferPointer(rebasing: bytes[span.start..<span.end]))
        }
        return withUnsafeTemporaryAllocation(byteCount: max(span.unescapedCount, 1), alignment: 1) { out in
            var o = 0
            var i = span.start
            while i < span.end {
                let c = bytes[i]
                guard c == UInt8(ascii: "\\") else {
                    out[o] = c
                    o += 1
                    i += 1
                    continue
                }
                let e = bytes[i + 1]
                i += 2
                var scalar: UInt32
                switch e {
                case UInt8(ascii: "b"): scalar = 0x08
                case UInt8(ascii: "f"): scalar = 0x0C
                case UInt8(ascii: "n"): scalar = 0x0A
                case UInt8(ascii: "r"): scalar = 0x0D
                case UInt8(ascii: "t"): scalar = 0x09
                case UInt8(ascii: "u"):
                    scalar = hex4(bytes, i)
                    i += 4
                    if scalar >= 0xD800 && scalar <= 0xDBFF {
                        let low = hex4(bytes, i + 2)
                        i += 6
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                default: scalar = UInt32(e)  // \" \\ \/
                }
                JSONScanner.utf8(of: scalar) {
                    out[o] = $0
                    o += 1
                }
            }
            return body(UnsafeRawBufferPointer(rebasing: out[0..<o]))
        }
    }

    private static func hex4(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = bytes[at + k]
            let d: UInt32 = c <= 0x39 ? UInt32(c - 0x30) : (c <= 0x46 ? UInt32(c - 0x41 + 10) : UInt32(c - 0x61 + 10))
            v = v << 4 | d
        }
        return v
    }

    /// Whether two spans of the same buffer hold the same string value.
    static func equal(_ a: JSONSpan, _ b: JSONSpan, in bytes: UnsafeRawBufferPointer) -> Bool {
        guard a.unescapedCount == b.unescapedCount else { return false }
        return withUnescaped(a, in: bytes) { ua in
            withUnescaped(b, in: bytes) { ub in bytesEqual(ua, ub) }
        }
    }

    /// Whether `span` holds exactly `literal` (an ASCII member name or a configured value).
    @inline(__always)
    static func equal(_ span: JSONSpan, _ literal: UnsafeRawBufferPointer, in bytes: UnsafeRawBufferPointer) -> Bool {
        guard span.unescapedCount == literal.count else { return false }
        if !span.hasEscapes {
            return bytesEqual(UnsafeRawBufferPointer(rebasing: bytes[span.start..<span.end]), literal)
        }
        return withUnescaped(span, in: bytes) { bytesEqual($0, literal) }
    }

    @inline(__always)
    static func equal(_ span: JSONSpan, _ literal: StaticString, in bytes: UnsafeRawBufferPointer) -> Bool {
        equal(span, UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount), in: bytes)
    }

    @inline(__always)
    static func bytesEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        if a.count == 0 { return true }
        return memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0
    }

    /// The value as a Swift string (off the hot path: details, results).
    static func string(_ span: JSONSpan, in bytes: UnsafeRawBufferPointer) -> String {
        withUnescaped(span, in: bytes) { String(decoding: $0, as: UTF8.self) }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
