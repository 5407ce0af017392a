import Foundation

/// A walk over JSON text that is grammatical except perhaps for number ranges (Foundation
/// accepted it, or will once numbers are zeroed): checks the duplicate-name and nesting rules
/// the scanner adds to JSON, and rewrites numbers. Written independently of `JSONScanner` and
/// far simpler, because it never has to judge the grammar.
struct ReferenceWalk {
    let text: [UInt8]
    var position = 0

    init(_ text: [UInt8]) { self.text = text }

    /// No duplicate names (after unescaping, byte for byte), at most 31 levels of nesting, no
    /// trailing comma in an array or object, and nothing but whitespace after the value
    /// (Foundation on Linux stops reading at a NUL byte and accepts `2\0"`).
    mutating func checkRules() -> Bool {
        position = 0
        guard value(level: 0) else { return false }
        skipSpace()
        return position == text.count
    }

    /// The text with every number replaced by `0`; nil when the walk fails.
    mutating func numbersZeroed() -> [UInt8]? {
        var out: [UInt8] = []
        var i = 0
        var inString = false
        while i < text.count {
            let c = text[i]
            if inString {
                out.append(c)
                if c == UInt8(ascii: "\\"), i + 1 < text.count {
                    out.append(text[i + 1])
                    i += 2
                    continue
                }
                if c == UInt8(ascii: "\"") { inString = false }
                i += 1
            } else if c == UInt8(ascii: "\"") {
                inString = true
                out.append(c)
                i += 1
            } else if c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39) {
                // A number token: sign, digits, fraction, exponent; the grammar is Foundation's to judge.
                let start = i
                i += 1
                while i < text.count, Self.numberBytes.contains(text[i]) { i += 1 }
                out.append(contentsOf: Self.grammatical(text[start..<i]) ? Array("0".utf8) : Array(text[start..<i]))
            } else {
                out.append(c)
                i += 1
            }
        }
        return out
    }

    static let numberBytes = Set("0123456789+-.eE".utf8)
    /// The bytes of numbers and of `true`, `false`, `null`.
    static let scalarBytes = Set("0123456789+-.eEtruefalsn".utf8)

    /// RFC 8259's number grammar.
    static func grammatical(_ s: ArraySlice<UInt8>) -> Bool {
        let text = String(decoding: s, as: UTF8.self)
        return text.range(of: #"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$"#, options: .regularExpression) != nil
    }

    private mutating func skipSpace() {
        while position < text.count, [0x20, 0x09, 0x0A, 0x0D].contains(text[position]) { position += 1 }
    }

    private mutating func value(level: Int) -> Bool {
        skipSpace()
        guard position < text.count else { return false }
        switch text[position] {
        case UInt8(ascii: "{"):
            guard level + 1 <= 31 else { return false }
            position += 1
            var names = Set<[UInt8]>()
            skipSpace()
            if text[position] == UInt8(ascii: "}") {
                position += 1
                return true
            }
            while true {
                skipSpace()
                guard let name = string(), names.insert(name).inserted else { return false }
                skipSpace()
                position += 1  // ':'
                guard value(level: level + 1) else { return false }
                skipSpace()
                let c = text[position]
                position += 1
                if c == UInt8(ascii: "}") { return true }
            }
        case UInt8(ascii: "["):
            guard level + 1 <= 31 else { return false }
            position += 1
            skipSpace()
            if text[position] == UInt8(ascii: "]") {
                position += 1
                return true
            }
            while true {
                guard value(level: level + 1) else { return false }
                skipSpace()
                let c = text[position]
                position += 1
                if c == UInt8(ascii: "]") { return true }
            }
        case UInt8(ascii: "\""):
            return string() != nil
        default:
            // A scalar has at least one byte. Without this a trailing comma (`[1,]`, `{"a":1,}`)
            // would pass as an empty value: swift-foundation's parser accepts trailing commas,
            // RFC 8259 does not, and neither does the scanner.
            let start = position
            while position < text.count, Self.scalarBytes.contains(text[position]) { position += 1 }
            return position > start
        }
    }

    /// A string at the position, unescaped by Foundation (as a one-element array, which any
    /// JSONSerialization accepts).
    private mutating func string() -> [UInt8]? {
        // A member name must be a string: `{"a":1,}` reaches here at the `}`.
        guard position < text.count, text[position] == UInt8(ascii: "\"") else { return nil }
        let start = position
        position += 1
        while position < text.count, text[position] != UInt8(ascii: "\"") {
            position += text[position] == UInt8(ascii: "\\") ? 2 : 1
        }
        position += 1
        let literal = Data([UInt8(ascii: "[")] + text[start..<min(position, text.count)] + [UInt8(ascii: "]")])
        guard let array = try? JSONSerialization.jsonObject(with: literal) as? [String], let s = array.first else { return nil }
        return Array(s.utf8)
    }
}
