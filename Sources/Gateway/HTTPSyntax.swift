import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// RFC 9110 and 9112's byte classes and line grammar, shared by the two hand-written parsers
/// (`ClientRequestParser` for the client's requests, `UpstreamResponseParser` for the
/// upstream's responses): one reading of a chunk-size line or a field name for both sides.
enum HTTPSyntax {
    /// What a scan for one line found.
    enum Line: Equatable {
        /// The line is not all there yet.
        case incomplete
        /// The line, `length` bytes with its CRLF; `size` for a chunk-size line.
        case complete(length: Int, size: Int)
        case invalid(String)
    }

    /// What a search for the end of a head found.
    enum HeadEnd: Equatable {
        /// The head is `length` bytes, through its empty line.
        case complete(length: Int)
        /// Not all there: the search goes on from `resume` (the start of the incomplete line).
        case incomplete(resume: Int)
        /// A line ends in LF without CR.
        case bareLF
    }

    /// The search for the end of a head across reads: the lines already seen are not scanned
    /// again when more bytes come, so a head arriving a byte at a time is scanned once.
    struct HeadScan {
        /// The start of the first line not seen whole (0: none seen yet).
        private(set) var scanned = 0

        enum Outcome: Equatable {
            /// The head is the first `length` bytes.
            case complete(length: Int)
            case incomplete
            case bareLF
            /// Over `maxBytes` with no end in sight.
            case tooLarge
        }

        /// Where the head at the start of `buffer` ends, if it is all there (then the scan
        /// starts over for the next head). Empty lines before a head are skipped (RFC 9112
        /// section 2.2), as llhttp does: some peers send a CRLF too many after a body.
        mutating func next(_ buffer: inout ByteBuffer, maxBytes: Int) -> Outcome {
            if scanned == 0 {
                while let byte = buffer.readableBytesView.first, byte == 0x0D || byte == 0x0A { buffer.moveReaderIndex(forwardBy: 1) }
            }
            let start = scanned
            switch buffer.withUnsafeReadableBytes({ headEnd($0, from: start) }) {
            case .bareLF:
                return .bareLF
            case .complete(let length):
                scanned = 0
                return length <= maxBytes ? .complete(length: length) : .tooLarge
            case .incomplete(let resume):
                guard buffer.readableBytes < maxBytes else { return .tooLarge }
                scanned = resume
                return .incomplete
            }
        }
    }

    /// Finds the end of a head in `bytes`, from the line starting at `start`. Line ends are
    /// found with memchr: a head is mostly long values (a kilobyte token), and scanning them
    /// a byte at a time was a tenth of a proxied request's time. A CR not followed by LF is
    /// left for the head's check to refuse.
    static func headEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> HeadEnd {
        guard let base = bytes.baseAddress else { return .incomplete(resume: 0) }
        var lineStart = start
        while lineStart < bytes.count {
            guard let hit = memchr(base + lineStart, 0x0A, bytes.count - lineStart) else { break }
            let lf = UnsafeRawPointer(hit) - base
            guard lf > 0, bytes[lf - 1] == 0x0D else { return .bareLF }
            if lf - lineStart == 1 { return .complete(length: lf + 1) }
            lineStart = lf + 1
        }
        return .incomplete(resume: lineStart)
    }

    /// The end of a field value starting at `index` in a complete head: the index of the CR
    /// that ends it, or nil when a byte before it is a control byte (HTAB aside) or DEL.
    /// Sixteen bytes at a time (one vector compare) while none is one; the bytes of a block
    /// that has one are looked at one by one. The head ends in CRLF CRLF, so the scan stops
    /// inside it. (A 1 KiB bearer token is most of a request head's bytes.)
    @inline(__always)
    static func fieldValueEnd(_ head: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var index = start
        while true {
            while index + 16 <= head.count
                && !hasControlOrDelete(head.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self))
            {
                index += 16
            }
            for _ in 0..<16 {
                if head[index] == 0x0D { return index }
                guard isFieldValueByte(head[index]) else { return nil }
                index += 1
            }
        }
    }

    /// One field line of a complete head: offsets of its name, its value without surrounding
    /// OWS, and its CR.
    struct FieldLine {
        let nameStart: Int
        let nameEnd: Int
        let valueStart: Int
        let valueEnd: Int
        /// The CR that ends the line (the value with its trailing OWS ends here).
        let lineEnd: Int
    }

    /// Why a field line is malformed.
    struct FieldLineError: Error {
        let message: String
        /// A CR not followed by LF (llhttp reads some of those on; see the callers).
        let loneCR: Bool
    }

    /// The field line `name ":" OWS value OWS CRLF` at `start` of a complete head (which ends
    /// in CRLF CRLF, so every scan stops inside it): a token name, no space before the colon,
    /// no control byte but HTAB in the value, CRLF.
    static func fieldLine(_ head: UnsafeRawBufferPointer, at start: Int) throws(FieldLineError) -> FieldLine {
        var index = start
        while head[index] != 0x3A {
            guard isTokenByte(head[index]) else { throw FieldLineError(message: "invalid byte in a field name", loneCR: false) }
            index += 1
        }
        guard index > start else { throw FieldLineError(message: "empty field name", loneCR: false) }
        let nameEnd = index
        index += 1
        while head[index] == 0x20 || head[index] == 0x09 { index += 1 }
        let valueStart = index
        guard let cr = fieldValueEnd(head, from: index) else {
            throw FieldLineError(message: "control byte in a field value", loneCR: false)
        }
        guard head[cr + 1] == 0x0A else { throw FieldLineError(message: "CR without LF in a field", loneCR: true) }
        var valueEnd = cr
        while valueEnd > valueStart && (head[valueEnd - 1] == 0x20 || head[valueEnd - 1] == 0x09) { valueEnd -= 1 }
        return FieldLine(nameStart: start, nameEnd: nameEnd, valueStart: valueStart, valueEnd: valueEnd, lineEnd: cr)
    }

    /// `body` over the readable bytes of `bytes`, its typed error passed on (NIO's
    /// `withUnsafeReadableBytes` rethrows untyped).
    static func reading<Value, Failure: Error>(
        _ bytes: ByteBuffer, _ body: (UnsafeRawBufferPointer) throws(Failure) -> Value
    ) throws(Failure) -> Value {
        let result: Result<Value, Failure> = bytes.withUnsafeReadableBytes { pointer in
            do throws(Failure) {
                return .success(try body(pointer))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// The largest `Content-Length` or chunk size accepted (2^53, beyond any real body).
    static let maxLength = 1 << 53
    static let maxChunkLineBytes = 4096

    /// A chunk-size line at the start of `bytes`:
    /// `1*HEXDIG *( ";" ext-name [ "=" ( token / quoted-string ) ] ) CRLF`, with no
    /// whitespace, as llhttp reads it strictly; extensions are checked, not read.
    static func chunkSizeLine(_ bytes: UnsafeRawBufferPointer) -> Line {
        guard let lf = bytes.prefix(maxChunkLineBytes).firstIndex(of: 0x0A) else {
            return bytes.count >= maxChunkLineBytes ? .invalid("chunk-size line too long") : .incomplete
        }
        guard lf > 0, bytes[lf - 1] == 0x0D else { return .invalid("chunk-size line without CRLF") }
        var index = 0
        var size = 0
        while index < lf - 1, let digit = hexValue(bytes[index]) {
            size = size << 4 | digit
            guard size <= maxLength else { return .invalid("chunk size too large") }
            index += 1
        }
        guard index > 0 else { return .invalid("invalid chunk size") }
        guard validExtensions(UnsafeRawBufferPointer(rebasing: bytes[index..<(lf - 1)])) else {
            return .invalid("invalid chunk extension")
        }
        return .complete(length: lf + 1, size: size)
    }

    /// A trailer field line, or the empty line that ends the trailers, at the start of
    /// `bytes`, within `limit` bytes.
    static func trailerLine(_ bytes: UnsafeRawBufferPointer, limit: Int) -> Line {
        guard let lf = bytes.prefix(limit).firstIndex(of: 0x0A) else {
            return bytes.count >= limit ? .invalid("trailers too large") : .incomplete
        }
        guard lf > 0, bytes[lf - 1] == 0x0D else { return .invalid("trailer line without CRLF") }
        if lf == 1 { return .complete(length: 2, size: 0) }
        var index = 0
        while index < lf - 1 && bytes[index] != 0x3A {
            guard isTokenByte(bytes[index]) else { return .invalid("invalid byte in a trailer name") }
            index += 1
        }
        guard index > 0, index < lf - 1 else { return .invalid("malformed trailer field") }
        for byte in bytes[(index + 1)..<(lf - 1)] where !isFieldValueByte(byte) {
            return .invalid("control byte in a trailer value")
        }
        return .complete(length: lf + 1, size: 0)
    }

    /// Whether `bytes` (between the chunk size and the CR) are well-formed extensions.
    static func validExtensions(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        while index < bytes.count {
            // Each extension starts with ";" and a name (which llhttp lets be empty).
            guard bytes[index] == 0x3B else { return false }
            index += 1
            guard index < bytes.count, bytes[index] != 0x20 else { return false }
            while index < bytes.count && isTokenByte(bytes[index]) { index += 1 }
            guard index < bytes.count, bytes[index] == 0x3D else { continue }
            index += 1
            while index < bytes.count && isTokenByte(bytes[index]) { index += 1 }
            guard index < bytes.count, bytes[index] == 0x22 else { continue }
            // A quoted string: qdtext or a quoted pair, then the closing quote.
            index += 1
            while true {
                guard index < bytes.count else { return false }
                let byte = bytes[index]
                if byte == 0x22 { break }
                if byte == 0x5C {
                    index += 1
                    guard index < bytes.count, bytes[index] == 0x09 || (bytes[index] >= 0x20 && bytes[index] != 0x7F) else {
                        return false
                    }
                } else if !(byte == 0x09 || byte >= 0x20) {
                    return false
                }
                index += 1
            }
            index += 1
        }
        return true
    }

    /// A `Content-Length` value: digits only (a list, even of equal values, is refused); nil
    /// when invalid or over `maxLength`.
    static func length(_ value: UnsafeRawBufferPointer) -> Int? {
        guard !value.isEmpty, value.count <= 16 else { return nil }
        var result = 0
        for byte in value {
            guard isDigit(byte) else { return nil }
            result = result * 10 + Int(byte &- 0x30)
        }
        return result <= maxLength ? result : nil
    }

    /// Calls `body` with each non-empty comma-separated element of a field value, trimmed.
    static func forEachToken(_ value: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        var start = 0
        while start <= value.count {
            var end = start
            while end < value.count && value[end] != 0x2C { end += 1 }
            var first = start
            var last = end
            while first < last && (value[first] == 0x20 || value[first] == 0x09) { first += 1 }
            while last > first && (value[last - 1] == 0x20 || value[last - 1] == 0x09) { last -= 1 }
            if last > first { body(UnsafeRawBufferPointer(rebasing: value[first..<last])) }
            start = end + 1
        }
    }

    /// ASCII-case-insensitive equality of `bytes` with `lowercase` (lower-case).
    static func equal<C: Collection<UInt8>>(_ bytes: UnsafeRawBufferPointer, _ lowercase: C) -> Bool {
        guard bytes.count == lowercase.count else { return false }
        return zip(bytes, lowercase).allSatisfy { ProxyHeaders.lower($0) == $1 }
    }

    static func equal(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        equal(bytes, UnsafeRawBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount))
    }

    // MARK: byte classes (RFC 9110 section 5.6.2 and 5.5)

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: Int(byte - 0x30)
        case 0x41...0x46: Int(byte - 0x41 + 10)
        case 0x61...0x66: Int(byte - 0x61 + 10)
        default: nil
        }
    }

    /// tchar: ALPHA, DIGIT and ``!#$%&'*+-.^_`|~``.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: true
        default: false
        }
    }

    /// field-vchar, SP or HTAB: no control byte (obs-text allowed).
    static func isFieldValueByte(_ byte: UInt8) -> Bool { byte >= 0x20 ? byte != 0x7F : byte == 0x09 }

    /// Whether any of the sixteen bytes of `block` is below 0x20 or is 0x7F (a block of
    /// field-value bytes without HTAB gives false). In each byte, `(b - 0x20) & ~b` has its
    /// top bit set exactly when b < 0x20, and `(d - 1) & ~d` with d = b ^ 0x7F exactly when
    /// b is 0x7F ("Determine if a word has a byte less than n", Bit Twiddling Hacks; in vector
    /// lanes the subtraction cannot borrow from a neighbour, so it is exact). Wrapping
    /// arithmetic, because Swift lowers it to vector instructions and `.<` / `.==` on
    /// `SIMD16<UInt8>` to a loop over the lanes.
    @inline(__always)
    static func hasControlOrDelete(_ block: SIMD16<UInt8>) -> Bool {
        let below20 = (block &- 0x20) & ~block
        let notDelete = block ^ 0x7F
        let isDelete = (notDelete &- 1) & ~notDelete
        let flags = unsafeBitCast((below20 | isDelete) & 0x80, to: SIMD2<UInt64>.self)
        return flags[0] | flags[1] != 0
    }
}
