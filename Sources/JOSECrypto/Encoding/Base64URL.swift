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

    /// The alphabet's values pre-shifted for each of the four positions of a quantum
    /// (`[position * 256 + byte]`: v << 18, v << 12, v << 6, v), and 0xFF00_0000 for a byte
    /// outside the alphabet, so that one OR of four lookups both assembles 24 bits and flags
    /// any bad byte in the top 8. Why: the decode is ~3% of an RS256 validation, and this
    /// saves the per-quantum shifts and the separate range check of `decodeTable`.
    @usableFromInline
    static let shiftedTable: [UInt32] = {
        var t = [UInt32](repeating: 0xFF00_0000, count: 1024)
        for byte in 0..<256 where decodeTable[byte] != 0xFF {
            let v = UInt32(decodeTable[byte])
            t[byte] = v << 18
            t[256 + byte] = v << 12
            t[512 + byte] = v << 6
            t[768 + byte] = v
        }
        return t
    }()

    /// Decodes `input` into `output`, which must hold `decodedCount(input.count)` bytes.
    /// Returns the number of bytes written, or nil on any character outside the alphabet,
    /// an impossible length, or non-zero trailing bits. Writes nothing past
    /// `decodedCount(input.count)` bytes.
    public static func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int? {
        guard let n = decodedCount(input.count), output.count >= n else { return nil }
        guard n > 0 else { return input.count == 0 ? 0 : nil }
        return shiftedTable.withUnsafeBufferPointer { table -> Int? in
            let t = table.baseAddress!
            let inp = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let out = output.baseAddress!
            @inline(__always) func quantum(_ at: Int) -> UInt32 {
                t[Int(inp[at])] | t[256 + Int(inp[at + 1])] | t[512 + Int(inp[at + 2])] | t[768 + Int(inp[at + 3])]
            }
            var o = 0
            var i = 0
            let full = input.count & ~3
            // Eight characters to six bytes, stored as one 8-byte word while at least 8 bytes
            // of the decoded length remain (the 2 extra bytes are rewritten by the next step).
            while i + 8 <= full && o + 8 <= n {
                let x = quantum(i)
                let y = quantum(i + 4)
                if (x | y) & 0xFF00_0000 != 0 { return nil }
                let word = (UInt64(x) << 40 | UInt64(y) << 16).bigEndian
                out.storeBytes(of: word, toByteOffset: o, as: UInt64.self)
                o += 6
                i += 8
            }
            while i < full {
                let x = quantum(i)
                if x & 0xFF00_0000 != 0 { return nil }
                out.storeBytes(of: UInt8(truncatingIfNeeded: x >> 16), toByteOffset: o, as: UInt8.self)
                out.storeBytes(of: UInt8(truncatingIfNeeded: x >> 8), toByteOffset: o + 1, as: UInt8.self)
                out.storeBytes(of: UInt8(truncatingIfNeeded: x), toByteOffset: o + 2, as: UInt8.self)
                o += 3
                i += 4
            }
            // The last 2 or 3 characters: 1 or 2 bytes, and the unused low bits must be zero.
            switch input.count - full {
            case 0: break
            case 2:
                let x = t[Int(inp[i])] | t[256 + Int(inp[i + 1])]
                if x & 0xFF00_0000 != 0 || x & 0xFFFF != 0 { return nil }
                out.storeBytes(of: UInt8(truncatingIfNeeded: x >> 16), toByteOffset: o, as: UInt8.self)
                o += 1
            case 3:
                let x = t[Int(inp[i])] | t[256 + Int(inp[i + 1])] | t[512 + Int(inp[i + 2])]
                if x & 0xFF00_0000 != 0 || x & 0xFF != 0 { return nil }
                out.storeBytes(of: UInt8(truncatingIfNeeded: x >> 16), toByteOffset: o, as: UInt8.self)
                out.storeBytes(of: UInt8(truncatingIfNeeded: x >> 8), toByteOffset: o + 1, as: UInt8.self)
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
        // An empty segment (a `dir` JWE's encrypted key) must not reach the initializer below:
        // with capacity 0 it writes the count into the standard library's shared empty-array
        // storage, a race ThreadSanitizer reports when two threads do it.
        guard n > 0 else { return [] }
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
        guard !data.isEmpty else { return "" }  // as in decode: no zero-capacity initializer
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
