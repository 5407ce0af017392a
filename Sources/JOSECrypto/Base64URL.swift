/// Strict base64url without padding (RFC 7515 section 2 and appendix C).
///
/// Hand-written rather than Foundation's `Data(base64Encoded:)` because the JWS rules are
/// stricter than generic base64 (no padding, no `+` or `/`, no whitespace, zero trailing bits:
/// otherwise one token has several encodings, which breaks token caches and signature
/// malleability assumptions) and because the hot path decodes into caller-provided memory
/// without allocating.
public enum Base64URL {
    /// 0xFF marks a byte outside the alphabet.
    @usableFromInline
    static let decodeTable: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    static let encodeTable: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// The decoded length of `encodedCount` characters, or nil when no strict encoding has that length.
    @inlinable
    public static func decodedCount(_ encodedCount: Int) -> Int? {
        let rem = encodedCount & 3
        if rem == 1 { return nil }
        return (encodedCount >> 2) * 3 + (rem == 0 ? 0 : rem - 1)
    }

    /// Decodes `input` into `output`, which must hold `decodedCount(input.count)` bytes.
    /// Returns the number of bytes written, or nil on any character outside the alphabet,
    /// an impossible length, or non-zero trailing bits.
    public static func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int? {
        guard let n = decodedCount(input.count), output.count >= n else { return nil }
        return decodeTable.withUnsafeBufferPointer { table -> Int? in
            var o = 0
            var i = 0
            let full = input.count & ~3
            while i < full {
                let a = table[Int(input[i])], b = table[Int(input[i + 1])]
                let c = table[Int(input[i + 2])], d = table[Int(input[i + 3])]
                if (a | b | c | d) & 0xC0 != 0 { return nil }
                let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                output[o] = UInt8(truncatingIfNeeded: v >> 16)
                output[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
                output[o + 2] = UInt8(truncatingIfNeeded: v)
                o += 3
                i += 4
            }
            switch input.count - full {
            case 0: break
            case 2:
                let a = table[Int(input[i])], b = table[Int(input[i + 1])]
                if (a | b) & 0xC0 != 0 || b & 0x0F != 0 { return nil }
                output[o] = a << 2 | b >> 4
                o += 1
            case 3:
                let a = table[Int(input[i])], b = table[Int(input[i + 1])], c = table[Int(input[i + 2])]
                if (a | b | c) & 0xC0 != 0 || c & 0x03 != 0 { return nil }
                output[o] = a << 2 | b >> 4
                output[o + 1] = (b & 0x0F) << 4 | c >> 2
                o += 2
            default: return nil
            }
            return o
        }
    }

    /// Decodes a string; nil when it is not strict base64url.
    public static func decode(_ string: String) -> [UInt8]? {
        var s = string
        return s.withUTF8 { decode(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Decodes raw bytes; nil when they are not strict base64url.
    public static func decode(bytes input: UnsafeRawBufferPointer) -> [UInt8]? {
        guard let n = decodedCount(input.count) else { return nil }
        var ok = true
        let out = [UInt8](unsafeUninitializedCapacity: n) { buf, count in
            let written = decode(input, into: UnsafeMutableRawBufferPointer(buf))
            ok = written == n
            count = ok ? n : 0
        }
        return ok ? out : nil
    }

    /// Encodes bytes without padding.
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let data = Array(bytes)
        let outCount = (data.count / 3) * 4 + [0, 2, 3][data.count % 3]
        let chars = [UInt8](unsafeUninitializedCapacity: outCount) { out, count in
            var o = 0
            var i = 0
            while i + 3 <= data.count {
                let v = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2])
                out[o] = encodeTable[Int(v >> 18 & 63)]
                out[o + 1] = encodeTable[Int(v >> 12 & 63)]
                out[o + 2] = encodeTable[Int(v >> 6 & 63)]
                out[o + 3] = encodeTable[Int(v & 63)]
                o += 4
                i += 3
            }
            let rem = data.count - i
            if rem == 1 {
                let v = UInt32(data[i]) << 16
                out[o] = encodeTable[Int(v >> 18 & 63)]
                out[o + 1] = encodeTable[Int(v >> 12 & 63)]
                o += 2
            } else if rem == 2 {
                let v = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8
                out[o] = encodeTable[Int(v >> 18 & 63)]
                out[o + 1] = encodeTable[Int(v >> 12 & 63)]
                out[o + 2] = encodeTable[Int(v >> 6 & 63)]
                o += 3
            }
            count = o
        }
        return String(decoding: chars, as: UTF8.self)
    }

    /// Encodes the UTF-8 bytes of a string.
    public static func encode(string: String) -> String { encode(Array(string.utf8)) }
}
