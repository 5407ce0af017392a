/// A strict, allocation-free JSON scanner for JOSE headers and JWT claims sets.
///
/// Hand-written instead of Foundation's `JSONSerialization`/`JSONDecoder` because the hot path
/// needs only a handful of members, must not build dictionaries or `Any` values (ANCHORS.md:
/// 10% of jwt-kit's RS256 time is JSONDecoder), and must be stricter than those decoders:
/// duplicate member names are rejected at every level (including names that differ only by
/// escaping, like `"alg"` and `"\u0061lg"`), input must be valid UTF-8, nesting is bounded,
/// and nothing but whitespace may follow the top-level value. It is exercised by its own tests
/// and by a randomised differential test against Foundation.
struct JSONScanner {
    let bytes: UnsafeRawBufferPointer
    var position: Int = 0
    /// Nesting bound: deep enough for any real claims set, shallow enough that a hostile token
    /// cannot exhaust the stack.
    static let maximumDepth = 32
    /// The deepest nesting accepted, counting the outermost object or array as level 1 (a
    /// value's depth is its level; a document's top-level members are parsed at depth 0).
    static let maximumNesting = maximumDepth - 1

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    typealias Failure = JSONScanError

    @inline(__always) var atEnd: Bool { position >= bytes.count }

    @inline(__always) func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    mutating func expect(_ byte: UInt8, _ what: StaticString) throws(Failure) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else {
            throw JSONScanError("expected \(what)", at: position)
        }
        position += 1
    }

    /// Checks that only whitespace follows the top-level value.
    mutating func finish() throws(Failure) {
        skipWhitespace()
        guard atEnd else { throw JSONScanError("data after the JSON value", at: position) }
    }

    /// Consumes the `open` byte of an object or array at `depth`, refusing nesting past the
    /// bound. True when `close` follows at once: the container is empty, and consumed too.
    @inline(__always)
    private mutating func enterContainer(_ open: UInt8, _ what: StaticString, close: UInt8, depth: Int) throws(Failure) -> Bool {
        guard depth < Self.maximumDepth else { throw JSONScanError("nesting deeper than \(Self.maximumNesting) levels", at: position) }
        try expect(open, what)
        skipWhitespace()
        guard peek() == close else { return false }
        position += 1
        return true
    }

    // MARK: objects

    /// Iterates the members of the object at the current position. `body` is called with each
    /// member's name and must consume the value (via `skipValue` or a typed read). Duplicate
    /// names are rejected unless `rejectingDuplicates` is false (for callers that report
    /// duplicates themselves, like the request-body reader's `token_ambiguous`).
    mutating func forEachMember(
        depth: Int, rejectingDuplicates: Bool = true, _ body: (inout JSONScanner, JSONSpan) throws(Failure) -> Void
    ) throws(Failure) {
        if try enterContainer(UInt8(ascii: "{"), "'{'", close: UInt8(ascii: "}"), depth: depth) { return }
        var names = NameSet()
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw JSONScanError("expected a member name", at: position) }
            let name = try scanString(hashing: rejectingDuplicates)
            if rejectingDuplicates, try names.insertIsDuplicate(name, in: bytes) {
                throw JSONScanError("duplicate member name", at: name.start)
            }
            try expect(UInt8(ascii: ":"), "':'")
            skipWhitespace()
            try body(&self, name)
            skipWhitespace()
            guard let c = peek() else { throw JSONScanError("unterminated object", at: position) }
            position += 1
            if c == UInt8(ascii: "}") { return }
            guard c == UInt8(ascii: ",") else { throw JSONScanError("expected ',' or '}'", at: position - 1) }
        }
    }

    /// Iterates the elements of the array at the current position; `body` consumes each value.
    mutating func forEachElement(depth: Int, _ body: (inout JSONScanner) throws(Failure) -> Void) throws(Failure) {
        if try enterContainer(UInt8(ascii: "["), "'['", close: UInt8(ascii: "]"), depth: depth) { return }
        while true {
            skipWhitespace()
            try body(&self)
            skipWhitespace()
            guard let c = peek() else { throw JSONScanError("unterminated array", at: position) }
            position += 1
            if c == UInt8(ascii: "]") { return }
            guard c == UInt8(ascii: ",") else { throw JSONScanError("expected ',' or ']'", at: position - 1) }
        }
    }

    // MARK: values

    /// The kind of value at the current position (after whitespace), without consuming it.
    enum Kind { case object, array, string, number, bool, null }

    mutating func peekKind() throws(Failure) -> Kind {
        skipWhitespace()
        guard let c = peek() else { throw JSONScanError("expected a value", at: position) }
        switch c {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw JSONScanError("unexpected character", at: position)
        }
    }

    /// Validates and skips any value.
    mutating func skipValue(depth: Int) throws(Failure) {
        switch try peekKind() {
        case .object: try forEachMember(depth: depth + 1) { (s: inout JSONScanner, _) throws(Failure) in try s.skipValue(depth: depth + 1) }
        case .array: try forEachElement(depth: depth + 1) { (s: inout JSONScanner) throws(Failure) in try s.skipValue(depth: depth + 1) }
        case .string: _ = try scanString()
        case .number: _ = try scanNumber()
        case .bool: _ = try scanBool()
        case .null: try scanLiteral("null")
        }
    }

    mutating func scanLiteral(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw JSONScanError("invalid literal", at: position) }
        let w = word.utf8Start
        for i in 0..<count where bytes[position + i] != w[i] {
            throw JSONScanError("invalid literal", at: position)
        }
        position += count
    }

    mutating func scanBool() throws(Failure) -> Bool {
        if peek() == UInt8(ascii: "t") {
            try scanLiteral("true")
            return true
        }
        try scanLiteral("false")
        return false
    }

    /// A validated number: its integer value when it is a plain integer that fits in Int64
    /// (no fraction, no exponent), else nil.
    mutating func scanNumber() throws(Failure) -> Int64? {
        let start = position
        var negative = false
        if peek() == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        guard let first = peek(), first >= 0x30, first <= 0x39 else { throw JSONScanError("invalid number", at: start) }
        var value: Int64 = 0
        var fits = true
        if first == 0x30 {
            position += 1
            if let c = peek(), c >= 0x30, c <= 0x39 { throw JSONScanError("number with a leading zero", at: start) }
        } else {
            while let c = peek(), c >= 0x30, c <= 0x39 {
                if fits {
                    let (m, o1) = value.multipliedReportingOverflow(by: 10)
                    let (a, o2) = m.addingReportingOverflow(Int64(c - 0x30))
                    if o1 || o2 { fits = false } else { value = a }
                }
                position += 1
            }
        }
        var integral = true
        if peek() == UInt8(ascii: ".") {
            integral = false
            position += 1
            guard let c = peek(), c >= 0x30, c <= 0x39 else { throw JSONScanError("invalid fraction", at: position) }
            while let c = peek(), c >= 0x30, c <= 0x39 { position += 1 }
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            integral = false
            position += 1
            if let s = peek(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { position += 1 }
            guard let c = peek(), c >= 0x30, c <= 0x39 else { throw JSONScanError("invalid exponent", at: position) }
            while let c = peek(), c >= 0x30, c <= 0x39 { position += 1 }
        }
        guard integral, fits else { return nil }
        return negative ? -value : value
    }

    /// Scans a string starting at the opening quote: validates escapes, control characters
    /// and UTF-8, and returns its span with the length of the unescaped value and, when
    /// `hashing` (member names, for duplicate detection), its hash.
    ///
    /// Values are not hashed: FNV-1a's multiply per byte was the largest cost of a claims
    /// parse (a serial 4-cycle dependency per byte). Without it, runs of plain ASCII are
    /// skipped 8 bytes at a time (SWAR: no byte below 0x20, at or above 0x80, '"' or '\\').
    mutating func scanString(hashing: Bool = false) throws(Failure) -> JSONSpan {
        guard peek() == UInt8(ascii: "\"") else { throw JSONScanError("expected a string", at: position) }
        position += 1
        let start = position
        var hash: UInt32 = 2_166_136_261
        var count = 0
        var escaped = false
        @inline(__always) func mix(_ b: UInt8) {
            if hashing { hash = (hash ^ UInt32(b)) &* 16_777_619 }
            count += 1
        }
        while position < bytes.count {
            if !hashing {
                // Jump to the first byte that needs a look, 8 bytes per step, in a local.
                var p = position
                while p + 8 <= bytes.count {
                    let special = Self.specialBytes(bytes.loadUnaligned(fromByteOffset: p, as: UInt64.self))
                    if special == 0 {
                        p += 8
                        continue
                    }
                    p += special.trailingZeroBitCount >> 3
                    break
                }
                count += p - position
                position = p
                if position >= bytes.count { break }
            }
            let c = bytes[position]
            if c == UInt8(ascii: "\"") {
                let span = JSONSpan(start: start, end: position, hasEscapes: escaped, hash: hash, unescapedCount: count)
                position += 1
                return span
            }
            if c < 0x20 { throw JSONScanError("control character in a string", at: position) }
            if c == UInt8(ascii: "\\") {
                escaped = true
                guard let scalar = try scanEscape() else { continue }
                // Hash the UTF-8 form of the escaped scalar, so that escaped and literal spellings
                // of one name collide.
                JSONScanner.utf8(of: scalar) { mix($0) }
                continue
            }
            if c < 0x80 {
                mix(c)
                position += 1
                continue
            }
            let n = try utf8SequenceLength(at: position)
            for k in 0..<n { mix(bytes[position + k]) }
            position += n
        }
        throw JSONScanError("unterminated string", at: start - 1)
    }

    /// The bytes of `word` (little-endian lanes) that need a look in a string: below 0x20, at
    /// or above 0x80, '"' or '\\'; the high bit of each such lane is set. This is the classic
    /// zero-byte test, `(v - 0x01..) & ~v & 0x80..`: borrows can mark lanes above a true one,
    /// never below, so the lowest set bit is exact, which is all the scanner uses.
    @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let belowSpace = (word &- ones &* 0x20) & ~word
        let hasQuote = (quote &- ones) & ~quote
        let hasBackslash = (backslash &- ones) & ~backslash
        return (belowSpace | hasQuote | hasBackslash | word) & high
    }

    /// Consumes one escape sequence (at the backslash); returns its scalar value.
    private mutating func scanEscape() throws(Failure) -> UInt32? {
        let at = position
        guard position + 1 < bytes.count else { throw JSONScanError("unterminated escape", at: at) }
        let e = bytes[position + 1]
        position += 2
        switch e {
        case UInt8(ascii: "\""): return 0x22
        case UInt8(ascii: "\\"): return 0x5C
        case UInt8(ascii: "/"): return 0x2F
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        case UInt8(ascii: "u"):
            let high = try hex4()
            if high >= 0xD800 && high <= 0xDBFF {
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                    throw JSONScanError("unpaired surrogate escape", at: at)
                }
                position += 2
                let low = try hex4()
                guard low >= 0xDC00 && low <= 0xDFFF else { throw JSONScanError("unpaired surrogate escape", at: at) }
                return 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            guard !(high >= 0xDC00 && high <= 0xDFFF) else { throw JSONScanError("unpaired surrogate escape", at: at) }
            return high
        default:
            throw JSONScanError("invalid escape", at: at)
        }
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard position + 4 <= bytes.count else { throw JSONScanError("short \\u escape", at: position) }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[position]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw JSONScanError("invalid \\u escape", at: position)
            }
            v = v << 4 | d
            position += 1
        }
        return v
    }

    /// Length of the valid UTF-8 sequence at `i` (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
    private func utf8SequenceLength(at i: Int) throws(Failure) -> Int {
        let b0 = bytes[i]
        func cont(_ k: Int) -> UInt8? {
            guard i + k < bytes.count else { return nil }
            let b = bytes[i + k]
            return b & 0xC0 == 0x80 ? b : nil
        }
        switch b0 {
        case 0xC2...0xDF:
            if cont(1) != nil { return 2 }
        case 0xE0...0xEF:
            if let b1 = cont(1), cont(2) != nil {
                if b0 == 0xE0 && b1 < 0xA0 { break }  // overlong
                if b0 == 0xED && b1 >= 0xA0 { break }  // surrogate
                return 3
            }
        case 0xF0...0xF4:
            if let b1 = cont(1), cont(2) != nil, cont(3) != nil {
                if b0 == 0xF0 && b1 < 0x90 { break }  // overlong
                if b0 == 0xF4 && b1 >= 0x90 { break }  // above U+10FFFF
                return 4
            }
        default: break
        }
        throw JSONScanError("invalid UTF-8", at: i)
    }

    @inline(__always)
    static func utf8(of scalar: UInt32, _ emit: (UInt8) -> Void) {
        switch scalar {
        case 0..<0x80: emit(UInt8(scalar))
        case 0x80..<0x800:
            emit(UInt8(0xC0 | scalar >> 6))
            emit(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            emit(UInt8(0xE0 | scalar >> 12))
            emit(UInt8(0x80 | scalar >> 6 & 0x3F))
            emit(UInt8(0x80 | scalar & 0x3F))
        default:
            emit(UInt8(0xF0 | scalar >> 18))
            emit(UInt8(0x80 | scalar >> 12 & 0x3F))
            emit(UInt8(0x80 | scalar >> 6 & 0x3F))
            emit(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
