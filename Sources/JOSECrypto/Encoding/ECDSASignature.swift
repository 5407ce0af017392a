/// Conversion between the JWS form of an ECDSA signature (raw r||s, RFC 7518 section 3.4) and
/// the DER `ECDSA-Sig-Value` OpenSSL consumes and produces.
///
/// Hand-written because the hot path must not allocate (OpenSSL's `ECDSA_SIG` route allocates
/// two bignums and a buffer per call); it is exercised by every Wycheproof ECDSA case.
enum ECDSASignature {
    /// Writes DER for raw `r||s` into `out`; nil when r or s is zero or not below `order`
    /// (such signatures are invalid for every message, and refusing them here means no
    /// library quirk can ever accept them).
    static func der(fromRaw raw: UnsafeRawBufferPointer, order: [UInt8], into out: UnsafeMutableRawBufferPointer) -> Int? {
        let size = raw.count / 2
        guard size == order.count, raw.count == 2 * size else { return nil }
        let r = UnsafeRawBufferPointer(rebasing: raw[0..<size])
        let s = UnsafeRawBufferPointer(rebasing: raw[size..<(2 * size)])
        guard inRange(r, order), inRange(s, order) else { return nil }
        let rLen = integerLength(r)
        let sLen = integerLength(s)
        let body = 2 + rLen + 2 + sLen  // each INTEGER here is < 128 bytes: one length octet
        var o = 0
        out[o] = 0x30
        o += 1
        if body < 0x80 {
            out[o] = UInt8(body)
            o += 1
        } else {
            out[o] = 0x81
            out[o + 1] = UInt8(body)
            o += 2
        }
        guard o + body <= out.count else { return nil }
        o = writeInteger(r, length: rLen, into: out, at: o)
        o = writeInteger(s, length: sLen, into: out, at: o)
        return o
    }

    /// Whether raw `r||s` has exactly two `order`-sized halves, each with 0 < v < order: the
    /// same refusal `der(fromRaw:)` applies, for backends that take raw signatures directly
    /// (BoringSSL), so that every backend rejects the same malformed signatures up front.
    static func isWellFormedRaw(_ raw: UnsafeRawBufferPointer, order: [UInt8]) -> Bool {
        let size = order.count
        guard raw.count == 2 * size else { return false }
        return inRange(UnsafeRawBufferPointer(rebasing: raw[0..<size]), order)
            && inRange(UnsafeRawBufferPointer(rebasing: raw[size..<(2 * size)]), order)
    }

    /// 0 < v < order, comparing big-endian bytes of equal length.
    private static func inRange(_ v: UnsafeRawBufferPointer, _ order: [UInt8]) -> Bool {
        var nonZero = false
        var decided = false
        var less = false
        for i in 0..<v.count {
            let a = v[i]
            let b = order[i]
            if a != 0 { nonZero = true }
            if !decided && a != b {
                decided = true
                less = a < b
            }
        }
        return nonZero && less
    }

    /// Content octets of the minimal DER INTEGER for an unsigned big-endian value.
    private static func integerLength(_ v: UnsafeRawBufferPointer) -> Int {
        var start = 0
        while start < v.count - 1 && v[start] == 0 { start += 1 }
        return (v.count - start) + (v[start] & 0x80 != 0 ? 1 : 0)
    }

    private static func writeInteger(_ v: UnsafeRawBufferPointer, length: Int, into out: UnsafeMutableRawBufferPointer, at offset: Int)
        -> Int
    {
        var o = offset
        out[o] = 0x02
        out[o + 1] = UInt8(length)
        o += 2
        var start = 0
        while start < v.count - 1 && v[start] == 0 { start += 1 }
        if v[start] & 0x80 != 0 {
            out[o] = 0
            o += 1
        }
        for i in start..<v.count {
            out[o] = v[i]
            o += 1
        }
        return o
    }

    /// Raw r||s (each left-padded to `size`) from a DER signature OpenSSL produced.
    static func raw(fromDER der: [UInt8], size: Int) -> [UInt8]? {
        var i = 0
        func readLength() -> Int? {
            guard i < der.count else { return nil }
            let first = der[i]
            i += 1
            if first < 0x80 { return Int(first) }
            guard first == 0x81, i < der.count else { return nil }
            let l = Int(der[i])
            i += 1
            return l
        }
        func readInteger() -> [UInt8]? {
            guard i < der.count, der[i] == 0x02 else { return nil }
            i += 1
            guard let len = readLength(), len > 0, i + len <= der.count else { return nil }
            var bytes = Array(der[i..<(i + len)])
            i += len
            while bytes.count > size, bytes.first == 0 { bytes.removeFirst() }
            guard bytes.count <= size else { return nil }
            return [UInt8](repeating: 0, count: size - bytes.count) + bytes
        }
        guard der.first == 0x30 else { return nil }
        i = 1
        guard readLength() != nil, let r = readInteger(), let s = readInteger() else { return nil }
        return r + s
    }
}
