import Foundation
import JOSECrypto
import Testing

/// Strict base64url (RFC 7515 section 2): no padding, no `+` or `/`, no whitespace, no
/// impossible length, zero trailing bits, ASCII only.
@Suite("Base64URL")
struct Base64URLTests {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// The 6-bit value of a base64url character, from the RFC 4648 table's ranges.
    static func sextet(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return UInt32(c - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return UInt32(c - UInt8(ascii: "a")) + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c - UInt8(ascii: "0")) + 52
        case UInt8(ascii: "-"): return 62
        case UInt8(ascii: "_"): return 63
        default: return nil
        }
    }

    /// An independent reference decoder (a bit accumulator, one character at a time) to compare against.
    static func referenceDecode(_ text: [UInt8]) -> [UInt8]? {
        guard text.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        var accumulator: UInt32 = 0
        var bits = 0
        for c in text {
            guard let v = sextet(c) else { return nil }
            accumulator = accumulator << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        guard accumulator == 0 else { return nil }  // the leftover (trailing) bits must be zero
        return out
    }

    /// Also through the allocation-free buffer API the hot path uses.
    static func decodeIntoBuffer(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard let count = Base64URL.decodedCount(input.count) else { return nil }
        var output = [UInt8](repeating: 0xAA, count: count + 3)
        let written = input.withUnsafeBytes { i in output.withUnsafeMutableBytes { o in Base64URL.decode(i, into: o) } }
        guard let written else { return nil }
        #expect(written == count)
        #expect(output[count...].allSatisfy { $0 == 0xAA })  // nothing written past the end
        return Array(output[..<written])
    }

    @Test("RFC 4648 test vectors, in base64url without padding")
    func knownVectors() {
        let vectors: [(String, String)] = [
            ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
        ]
        for (plain, encoded) in vectors {
            #expect(Base64URL.encode(string: plain) == encoded)
            #expect(Base64URL.decode(encoded) == Array(plain.utf8))
        }
        // The two characters that differ from standard base64.
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(Base64URL.decode("-_8") == [0xFB, 0xFF])
        // RFC 7515 appendix C example.
        #expect(Base64URL.encode([3, 236, 255, 224, 193]) == "A-z_4ME")
    }

    @Test("random bytes of every length 0...64 round-trip, through both decoders")
    func roundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0...64 {
            for _ in 0..<8 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let encoded = Base64URL.encode(bytes)
                #expect(encoded.utf8.count == (length * 4 + 2) / 3)
                #expect(!encoded.contains("=") && !encoded.contains("+") && !encoded.contains("/"))
                #expect(Base64URL.decode(encoded) == bytes, "length \(length)")
                #expect(Self.decodeIntoBuffer(encoded) == bytes, "length \(length), buffer API")
                #expect(Self.referenceDecode(Array(encoded.utf8)) == bytes)
                // Agrees with Foundation's base64 after translating the alphabet and re-padding.
                let standard =
                    encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
                    + String(repeating: "=", count: (4 - encoded.utf8.count % 4) % 4)
                #expect(Data(base64Encoded: standard).map(Array.init) == bytes)
            }
        }
    }

    @Test("rejections: padding, +, /, whitespace, length % 4 == 1, non-zero trailing bits, non-ASCII")
    func rejections() {
        let rejected: [(String, String)] = [
            ("QQ==", "padding"), ("QUI=", "padding"), ("QQ=", "padding"), ("=", "padding only"), ("QUJD=", "padding after a full quantum"),
            ("-+8", "+"), ("-_+/", "+ and /"), ("a/8", "/"), ("++++", "+"), ("////", "/"),
            (" QUJD", "leading space"), ("QUJD ", "trailing space"), ("QU JD", "inner space"), ("QUJD\n", "newline"),
            ("QU\r\nJD", "CRLF"), ("\tQUJD", "tab"),
            ("Q", "length 1"), ("QUJDQ", "length 5"), ("QUJDQUJDQ", "length 9"),
            ("QR", "trailing bits 0001"), ("QB", "trailing bits 0001"), ("Q_", "trailing bits 1111"),
            ("QUJ", "trailing bits 01"), ("QUL", "trailing bits 11"),
            ("QQé", "non-ASCII"), ("QUJDé", "non-ASCII"), ("QU\u{0}D", "NUL"), ("QU.D", "dot"), ("QU*D", "*"),
        ]
        for (text, why) in rejected {
            #expect(Base64URL.decode(text) == nil, "\"\(text)\" (\(why)) was accepted")
            #expect(Self.decodeIntoBuffer(text) == nil, "\"\(text)\" (\(why)) was accepted by the buffer API")
        }
        // The canonical forms next to the rejected ones do decode.
        #expect(Base64URL.decode("QQ") == [0x41])
        #expect(Base64URL.decode("QUI") == [0x41, 0x42])
        #expect(Base64URL.decode("QUJD") == [0x41, 0x42, 0x43])
        // Raw non-ASCII bytes (not valid UTF-8 either) through the byte API.
        for bad: UInt8 in [0x80, 0xC3, 0xFF, 0x7F, 0x00] {
            let bytes: [UInt8] = [0x51, 0x55, bad, 0x44]
            #expect(bytes.withUnsafeBytes { Base64URL.decode(bytes: $0) } == nil, "byte \(bad) accepted")
        }
        #expect(Base64URL.decodedCount(1) == nil)
        #expect(Base64URL.decodedCount(5) == nil)
        #expect(Base64URL.decodedCount(0) == 0)
        #expect(Base64URL.decodedCount(6) == 4)
    }

    @Test("every 2- and 3-character tail: accepted exactly when canonical, as the reference decoder says")
    func exhaustiveTails() {
        var accepted2 = 0
        var accepted3 = 0
        var mismatches: [String] = []
        for a in Self.alphabet {
            for b in Self.alphabet {
                let two = [UInt8(ascii: "Q"), UInt8(ascii: "U"), UInt8(ascii: "J"), UInt8(ascii: "D"), a, b]
                let got2 = two.withUnsafeBytes { Base64URL.decode(bytes: $0) }
                if got2 != Self.referenceDecode(two) { mismatches.append(String(decoding: two, as: UTF8.self)) }
                if got2 != nil { accepted2 += 1 }
                for c in Self.alphabet {
                    let three = [a, b, c]
                    let got3 = three.withUnsafeBytes { Base64URL.decode(bytes: $0) }
                    if got3 != Self.referenceDecode(three) { mismatches.append(String(decoding: three, as: UTF8.self)) }
                    if got3 != nil { accepted3 += 1 }
                }
            }
        }
        #expect(mismatches.isEmpty, "disagreements with the reference decoder: \(mismatches.prefix(20))")
        // One canonical encoding per value: 256 one-byte values, 65536 two-byte values.
        #expect(accepted2 == 256)
        #expect(accepted3 == 65536)
    }

    @Test("every byte value at every position of texts up to 131 characters: the same answer as the reference decoder")
    func everyByteEverywhere() {
        var generator = SystemRandomNumberGenerator()
        // Lengths around the decoder's 8-character steps and its switch to 4 and to the tail.
        for length in [2, 3, 4, 6, 7, 8, 10, 11, 12, 14, 15, 16, 23, 24, 43, 86, 130, 131] {
            let base = (0..<length).map { _ in Self.alphabet[Int(generator.next() % 64)] }
            for position in 0..<length {
                for value in 0...255 {
                    var text = base
                    text[position] = UInt8(value)
                    let expected = Self.referenceDecode(text)
                    let got = Self.decodeIntoBuffer(String(decoding: text, as: UTF8.self))
                    if value < 0x80 {  // (non-ASCII bytes become U+FFFD in a String; checked below)
                        #expect(got == expected, "length \(length), byte \(value) at \(position)")
                    }
                    let raw = text.withUnsafeBytes { Base64URL.decode(bytes: $0) }
                    #expect(raw == expected, "raw bytes: length \(length), byte \(value) at \(position)")
                }
            }
        }
    }

    @Test("a buffer too small for the output is refused, not overrun")
    func smallBuffer() {
        let input = Array("QUJDREVG".utf8)  // 6 bytes
        var output = [UInt8](repeating: 0, count: 5)
        let written = input.withUnsafeBytes { i in output.withUnsafeMutableBytes { o in Base64URL.decode(i, into: o) } }
        #expect(written == nil)
    }
}
