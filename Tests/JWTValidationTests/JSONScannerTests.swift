import Foundation
import Testing

@testable import JWTValidation

/// The hot-path scanner is hand-written, so it is tested hard: fixed cases for every rule, and
/// a randomised differential test against Foundation (the scanner must never accept what
/// Foundation rejects, and must accept every document Foundation writes).
@Suite struct JSONScannerTests {
    static func accepts(_ text: String) -> Bool { accepts(Array(text.utf8)) }

    static func accepts(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buf in
            var s = JSONScanner(buf)
            do {
                try s.skipValue(depth: 0)
                try s.finish()
                return true
            } catch {
                return false
            }
        }
    }

    @Test(arguments: [
        "{}", "[]", "0", "-0", "1.5e+10", "\"\"", "true", "false", "null", " {\"a\" : [1, 2, {\"b\":null}] } ",
        "{\"a\":\"\\u00e9\\n\\t\\\"\\\\\\/\"}", "{\"emoji\":\"\\ud83d\\ude00\"}", "{\"é\":\"ü\"}", "[1e400]",
        "{\"a\":1,\"b\":{\"a\":1}}",  // the same name in different objects is fine
    ])
    func acceptsValidJSON(_ text: String) {
        #expect(Self.accepts(text), "\(text)")
    }

    @Test(arguments: [
        "", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]", "[01]", "[1.]", "[.5]", "[1e]", "[+1]", "[-]",
        "{\"a\":1}x", "{\"a\":1}{}", "{'a':1}", "{a:1}", "[tru]", "[nul]", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"",
        "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"a\nb\"", "{\"a\":1,\"a\":2}", "{\"a\":1,\"\\u0061\":2}",
        "[{\"x\":[{\"k\":1,\"k\":1}]}]", "\u{FEFF}{}", "[NaN]", "[Infinity]",
        // Trailing commas deep in a claim set: swift-foundation accepts these, which once made
        // the fuzz reference disagree with the scanner; RFC 8259 has no trailing commas.
        "[1e40,]", "{\"roles\":[\"admin\",],\"jti\":\"x\"}", "{\"a\":{\"b\":1,},\"c\":2}",
    ])
    func rejectsInvalidJSON(_ text: String) {
        #expect(!Self.accepts(text), "\(text)")
    }

    @Test func rejectsInvalidUTF8() {
        let cases: [[UInt8]] = [
            [0x22, 0xC0, 0xAF, 0x22],  // overlong '/'
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // encoded surrogate
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
            [0x22, 0xE2, 0x82, 0x22],  // truncated
            [0x22, 0x80, 0x22],  // lone continuation
            [0x22, 0xFF, 0x22],
        ]
        for c in cases { #expect(!Self.accepts(c), "\(c)") }
        #expect(Self.accepts([0x22, 0xE2, 0x82, 0xAC, 0x22]))  // "€"
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(!Self.accepts(deep))
        let ok = String(repeating: "[", count: 20) + String(repeating: "]", count: 20)
        #expect(Self.accepts(ok))
    }

    @Test func manyMembersStayLinearAndDetectDuplicates() {
        let members = (0..<3000).map { "\"m\($0)\":\($0)" }
        #expect(Self.accepts("{" + members.joined(separator: ",") + "}"))
        #expect(!Self.accepts("{" + (members + ["\"m1234\":0"]).joined(separator: ",") + "}"))
        // A duplicate spelled with an escape past the inline capacity.
        #expect(!Self.accepts("{" + (members + ["\"m\\u0031234\":0"]).joined(separator: ",") + "}"))
    }

    @Test func integersAreReadExactly() {
        func number(_ text: String) -> Int64?? {
            Array(text.utf8).withUnsafeBytes { buf in
                var s = JSONScanner(buf)
                return try? s.scanNumber()
            }
        }
        #expect(number("1750000000") == .some(1_750_000_000))
        #expect(number("-5") == .some(-5))
        #expect(number("9223372036854775807") == .some(Int64.max))
        #expect(number("9223372036854775808") == .some(nil))  // valid JSON, not an Int64
        #expect(number("1.0") == .some(nil))
        #expect(number("1e3") == .some(nil))
    }

    @Test func escapedStringsUnescapeAndCompare() {
        let text = "{\"iss\":\"https:\\/\\/a\\u002eb\"}"
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { buf in
            var s = JSONScanner(buf)
            var value: JSONSpan?
            try? s.forEachMember(depth: 0) { (sc: inout JSONScanner, _) throws(JSONScanError) in value = try sc.scanString() }
            guard let value else {
                Issue.record("no value")
                return
            }
            #expect(JSONText.string(value, in: buf) == "https://a.b")
            #expect(JSONText.equal(value, "https://a.b", in: buf))
            #expect(!JSONText.equal(value, "https://a.c", in: buf))
        }
    }

    /// Random documents written by Foundation must be accepted; random mutations of them must
    /// be rejected whenever Foundation rejects them.
    /// The 8-bytes-at-a-time skip of plain ASCII in string values: every special byte, at every
    /// offset of a long string (so it falls in the first, a middle and the last word, and in
    /// the tail shorter than a word), is seen exactly as the byte-by-byte path sees it.
    @Test func theWordAtATimeSkipSeesEverySpecialByteAtEveryOffset() {
        #expect(JSONScanner.specialBytes(0x6162_6364_6566_6768) == 0)  // "hgfedcba"
        #expect(JSONScanner.specialBytes(0x2020_7E7E_2121_2323) == 0)  // space, ~, !, # are plain
        for special: UInt8 in [0x22, 0x5C, 0x00, 0x1F, 0x0A, 0x7F, 0x80, 0xC3, 0xFF] where special != 0x7F {
            for lane in 0..<8 {
                #expect(
                    JSONScanner.specialBytes(0x4141_4141_4141_4141 & ~(0xFF << (8 * UInt64(lane))) | UInt64(special) << (8 * UInt64(lane)))
                        != 0,
                    "byte \(special) in lane \(lane)")
            }
        }
        #expect(JSONScanner.specialBytes(0x7F7F_7F7F_7F7F_7F7F) == 0)  // DEL is allowed in JSON strings
        // The lowest marked lane is the first special byte, exactly, for words of mixed bytes.
        var rng = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x00, 0x01, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x41, 0x7F, 0x80, 0x81, 0xFF]
        for _ in 0..<20_000 {
            let lanes = (0..<8).map { _ in alphabet.randomElement(using: &rng)! }
            let word = lanes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            let first = lanes.firstIndex { $0 < 0x20 || $0 >= 0x80 || $0 == 0x22 || $0 == 0x5C }
            let special = JSONScanner.specialBytes(word)
            #expect((special == 0 ? nil : special.trailingZeroBitCount / 8) == first, "\(lanes)")
        }
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 31, 40] {
            let plain = String(repeating: "a", count: length)
            for offset in 0...length {
                let before = String(plain.prefix(offset))
                let after = String(plain.dropFirst(offset))
                // A quote anywhere ends the string exactly there.
                let quoted = Array("\"\(before)\"\(after)\"".utf8).withUnsafeBytes { buf -> JSONSpan? in
                    var s = JSONScanner(buf)
                    return try? s.scanString()
                }
                #expect(quoted.map { $0.end - $0.start } == offset && quoted?.unescapedCount == offset, "quote at \(offset) of \(length)")
                #expect(Self.accepts("[\"\(before)\",\"\(after)\"]"))
                #expect(Self.accepts("[\"\(before)\\n\(after)\"]"), "escape at \(offset) of \(length)")
                #expect(!Self.accepts("[\"\(before)\\q\(after)\"]"), "bad escape at \(offset) of \(length)")
                #expect(!Self.accepts(Array("[\"\(before)".utf8) + [0x01] + Array("\(after)\"]".utf8)), "control at \(offset) of \(length)")
                #expect(Self.accepts("[\"\(before)é\(after)\"]"), "UTF-8 at \(offset) of \(length)")
                #expect(
                    !Self.accepts(Array("[\"\(before)".utf8) + [0xC3] + Array("\(after)\"]".utf8)),
                    "truncated UTF-8 at \(offset) of \(length)")
                let text = "\"\(before)\\u00e9\(after)\""
                let span = Array(text.utf8).withUnsafeBytes { buf -> JSONSpan? in
                    var s = JSONScanner(buf)
                    return try? s.scanString()
                }
                #expect(span?.unescapedCount == length + 2 && span?.hasEscapes == true)
            }
            #expect(!Self.accepts("[\"\(plain)"), "unterminated, \(length)")
        }
    }

    @Test func differentialAgainstFoundation() throws {
        var rng = ScannerRNG(seed: 0x5EED)
        var accepted = 0
        var mutatedRejected = 0
        for _ in 0..<400 {
            let value = Self.randomValue(&rng, depth: 0)
            let data = try JSONSerialization.data(withJSONObject: ["root": value], options: [.sortedKeys])
            let bytes = [UInt8](data)
            #expect(Self.accepts(bytes), "\(String(decoding: bytes, as: UTF8.self))")
            accepted += 1
            for _ in 0..<5 {
                var m = bytes
                let i = Int(rng.next() % UInt64(m.count))
                switch rng.next() % 3 {
                case 0: m[i] = UInt8(truncatingIfNeeded: rng.next())
                case 1: m.remove(at: i)
                default:
                    let inserts = Array("{}[],:\"\\0e-.tn ".utf8)
                    m.insert(inserts[Int(rng.next() % UInt64(inserts.count))], at: i)
                }
                let foundation = (try? JSONSerialization.jsonObject(with: Data(m), options: [.fragmentsAllowed])) != nil
                if Self.accepts(m) {
                    #expect(foundation, "scanner accepted what Foundation rejects: \(String(decoding: m, as: UTF8.self))")
                } else {
                    mutatedRejected += 1
                }
            }
        }
        #expect(accepted == 400)
        #expect(mutatedRejected > 500)  // most mutations break the document; the test must see them
    }

    static func randomValue(_ rng: inout ScannerRNG, depth: Int) -> Any {
        switch rng.next() % (depth > 3 ? 4 : 6) {
        case 0: return Int(truncatingIfNeeded: rng.next() % 100_000) - 50_000
        case 1: return ["a", "é", "x\"y", "\\", "\u{1F600}", "tab\t", ""][Int(rng.next() % 7)]
        case 2: return rng.next() % 2 == 0
        case 3: return NSNull()
        case 4: return (0..<Int(rng.next() % 4)).map { _ in randomValue(&rng, depth: depth + 1) }
        default:
            var d: [String: Any] = [:]
            for k in 0..<Int(rng.next() % 5) { d["k\(k)"] = randomValue(&rng, depth: depth + 1) }
            return d
        }
    }
}

/// A small deterministic generator, so failures reproduce.
struct ScannerRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The nesting limit's message names the limit that is enforced.
@Suite("JSON nesting limit")
struct JSONNestingLimitTests {
    /// A header with the object plus `arrays` nested arrays: `arrays + 1` levels.
    private static func header(arrays: Int) -> [UInt8] {
        Array(
            ("{\"alg\":\"RS256\",\"x\":" + String(repeating: "[", count: arrays) + "1" + String(repeating: "]", count: arrays) + "}").utf8)
    }

    @Test("31 levels parse, 32 are refused, and the message says 31")
    func limitAndMessage() {
        let ok = Self.header(arrays: JSONScanner.maximumNesting - 1).withUnsafeBytes { try? JOSEHeaderFields.parse($0) }
        #expect(ok != nil)
        let refused = Self.header(arrays: JSONScanner.maximumNesting).withUnsafeBytes { bytes -> String? in
            do {
                _ = try JOSEHeaderFields.parse(bytes)
                return nil
            } catch {
                return (error as? JSONScanError)?.message
            }
        }
        #expect(refused == "nesting deeper than 31 levels")
    }
}
