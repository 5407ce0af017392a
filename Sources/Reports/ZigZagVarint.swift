/// HdrHistogram's "ZigZag LEB128-64b9B" varint: ZigZag-mapped, 7 bits per byte, but the ninth
/// byte carries a full 8 bits so a 64-bit value never takes more than 9 bytes.
///
/// It is not standard LEB128 (which would need 10 bytes), so it cannot come from a protobuf
/// helper; this mirrors `ZigZagEncoding.putLong`/`getLong` of the Java reference.
enum ZigZagVarint {
    static func append(_ value: Int64, to bytes: inout [UInt8]) {
        var v = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        for _ in 0..<8 {
            if v >> 7 == 0 {
                bytes.append(UInt8(v))
                return
            }
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    /// Reads one value at `position` and advances it; nil when the bytes end mid-value.
    static func read(_ bytes: [UInt8], at position: inout Int, end: Int) -> Int64? {
        var result: UInt64 = 0
        for i in 0..<9 {
            guard position < end else { return nil }
            let byte = bytes[position]
            position += 1
            if i == 8 {
                result |= UInt64(byte) << 56
                break
            }
            result |= UInt64(byte & 0x7F) << UInt64(7 * i)
            if byte & 0x80 == 0 { break }
        }
        return Int64(bitPattern: (result >> 1) ^ (0 &- (result & 1)))
    }
}
