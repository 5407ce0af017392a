/// Reads HTTP/1.1 responses off a connection's bytes as they arrive, without copying them:
/// the status, and where the response ends (`Content-Length`, chunked, or a bodiless status).
/// Written by hand for the load driver's hot path, where a general HTTP stack (NIOHTTP1) costs
/// more than the server under test; only what framing needs is read, the rest is skipped.
struct HTTPResponseParser {
    enum Result: Equatable {
        /// More bytes are needed.
        case incomplete
        /// A whole response of `length` bytes from the buffer's start; `close`: the server
        /// will close the connection after it.
        case complete(status: Int, length: Int, close: Bool)
        /// Not an HTTP/1.x response: the connection is dropped.
        case invalid(String)
    }

    /// The most header bytes read before a response is refused as invalid.
    static let maxHeaderBytes = 64 * 1024

    /// The response at the start of `bytes[0..<count]`. `bodiless`: the request was a HEAD.
    static func parse(_ bytes: UnsafeRawBufferPointer, bodiless: Bool = false) -> Result {
        guard let headEnd = headerEnd(bytes) else {
            return bytes.count > maxHeaderBytes ? .invalid("a response head over \(maxHeaderBytes) bytes") : .incomplete
        }
        // "HTTP/1.1 200 OK": the status is bytes 9..<12.
        guard headEnd >= 12, bytes[0] == UInt8(ascii: "H"), bytes[4] == UInt8(ascii: "/"), bytes[8] == UInt8(ascii: " ") else {
            return .invalid("not an HTTP/1.x status line")
        }
        var status = 0
        for i in 9..<12 {
            let digit = Int(bytes[i]) - 48
            guard digit >= 0 && digit <= 9 else { return .invalid("not an HTTP/1.x status code") }
            status = status * 10 + digit
        }
        var contentLength: Int?
        var chunked = false
        var close = bytes[7] == UInt8(ascii: "0")  // HTTP/1.0 closes unless told otherwise
        var line = lineEnd(bytes, from: 0, limit: headEnd) + 2
        while line < headEnd {
            let end = lineEnd(bytes, from: line, limit: headEnd)
            if let value = headerValue(bytes, line, end, "content-length") {
                guard let n = decimal(bytes, value, end) else { return .invalid("a Content-Length that is not a number") }
                contentLength = n
            } else if let value = headerValue(bytes, line, end, "transfer-encoding") {
                chunked = contains(bytes, value, end, "chunked")
            } else if let value = headerValue(bytes, line, end, "connection") {
                if contains(bytes, value, end, "close") { close = true }
                if contains(bytes, value, end, "keep-alive") { close = false }
            }
            line = end + 2
        }
        let bodyStart = headEnd + 4
        if bodiless || status / 100 == 1 || status == 204 || status == 304 {
            return .complete(status: status, length: bodyStart, close: close)
        }
        if chunked {
            switch chunkedEnd(bytes, from: bodyStart) {
            case .some(.some(let end)): return .complete(status: status, length: end, close: close)
            case .some(.none): return .incomplete
            case .none: return .invalid("a malformed chunked body")
            }
        }
        guard let length = contentLength else {
            // Delimited by the connection's end: not supported by a keep-alive load driver.
            return .invalid("a response without Content-Length or chunked encoding")
        }
        return bytes.count >= bodyStart + length ? .complete(status: status, length: bodyStart + length, close: close) : .incomplete
    }

    /// The index of the `\r\n\r\n` ending the head, if it arrived.
    static func headerEnd(_ b: UnsafeRawBufferPointer) -> Int? {
        guard b.count >= 4 else { return nil }
        var i = 0
        while i + 3 < b.count {
            if b[i + 3] != 10 {
                i += b[i + 3] == 13 ? 1 : 4
                continue
            }
            if b[i] == 13 && b[i + 1] == 10 && b[i + 2] == 13 { return i }
            i += 1
        }
        return nil
    }

    static func lineEnd(_ b: UnsafeRawBufferPointer, from: Int, limit: Int) -> Int {
        var i = from
        while i < limit && !(b[i] == 13 && b[i + 1] == 10) { i += 1 }
        return i
    }

    /// Where the value of header `name` (lower case) starts on the line `start..<end`, or nil.
    static func headerValue(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ name: StaticString) -> Int? {
        let n = name.utf8CodeUnitCount
        guard end - start > n, b[start + n] == UInt8(ascii: ":") else { return nil }
        let p = name.utf8Start
        for i in 0..<n where b[start + i] | 0x20 != p[i] { return nil }
        var v = start + n + 1
        while v < end && (b[v] == 32 || b[v] == 9) { v += 1 }
        return v
    }

    static func decimal(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int? {
        var value = 0
        var i = start
        while i < end && b[i] >= 48 && b[i] <= 57 {
            value = value * 10 + Int(b[i] - 48)
            guard value < 1 << 40 else { return nil }
            i += 1
        }
        while i < end && (b[i] == 32 || b[i] == 9) { i += 1 }
        return i > start && i == end ? value : nil
    }

    /// Whether `start..<end` contains `token` (lower case), ignoring ASCII case.
    static func contains(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ token: StaticString) -> Bool {
        let n = token.utf8CodeUnitCount
        let p = token.utf8Start
        guard end - start >= n else { return false }
        outer: for s in start...(end - n) {
            for i in 0..<n where b[s + i] | 0x20 != p[i] { continue outer }
            return true
        }
        return false
    }

    /// The end of a chunked body starting at `from`: `.some(.some(end))` when complete,
    /// `.some(nil)` when more bytes are needed, nil when malformed. Trailers are skipped.
    static func chunkedEnd(_ b: UnsafeRawBufferPointer, from: Int) -> Int?? {
        var i = from
        while true {
            var size = 0
            var digits = 0
            while i < b.count, let d = hexDigit(b[i]) {
                size = size * 16 + d
                digits += 1
                guard size < 1 << 40 else { return nil }
                i += 1
            }
            // Chunk extensions (";name=value") up to the line end are skipped.
            while i < b.count && b[i] != 13 { i += 1 }
            guard i + 1 < b.count else { return .some(nil) }
            guard digits > 0, b[i + 1] == 10 else { return nil }
            i += 2
            if size == 0 {
                // Trailer lines, then the empty line.
                while true {
                    guard i + 1 < b.count else { return .some(nil) }
                    if b[i] == 13 && b[i + 1] == 10 { return .some(i + 2) }
                    while i + 1 < b.count && !(b[i] == 13 && b[i + 1] == 10) { i += 1 }
                    guard i + 1 < b.count else { return .some(nil) }
                    i += 2
                }
            }
            guard b.count >= i + size + 2 else { return .some(nil) }
            i += size
            guard b[i] == 13 && b[i + 1] == 10 else { return nil }
            i += 2
        }
    }

    static func hexDigit(_ c: UInt8) -> Int? {
        switch c {
        case 48...57: Int(c - 48)
        case 97...102: Int(c - 87)
        case 65...70: Int(c - 55)
        default: nil
        }
    }
}
