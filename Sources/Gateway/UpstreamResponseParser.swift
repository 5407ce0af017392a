import NIOCore

/// An incremental parser of the upstream's responses that does not decode them: it checks
/// the status line and field lines in place (RFC 9112's grammar, strictly: CRLF line ends, no
/// obs-fold, token names, no control bytes in values), learns only the framing and whether
/// the connection can be reused, and then hands the body on as slices of the bytes read,
/// tracking `Content-Length` or the chunk sizes to find the response's end.
///
/// Hand-written because NIOHTTP1's decoder builds an `HTTPResponseHead` (a `String` per name
/// and value) that the gateway would only encode again: decoding and re-encoding the
/// response was a third of a proxied request's cost (bench/NOTES.md). Its framing decisions
/// are held to NIOHTTP1's (llhttp's) by a differential fuzz target and tests.
///
/// Memory is bounded: a head or trailer section over `maxHeadBytes`, or a chunk-size line
/// over `maxChunkLineBytes`, is an error; body bytes are never held.
struct UpstreamResponseParser {
    enum State: Equatable {
        case head
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers(bytes: Int)
        case untilClose
        /// A response that does not keep the connection ended: nothing may follow.
        case closed
        /// The response's last bytes are out; `.end` is next.
        case ending
    }

    /// What the upstream closing the connection means.
    enum CloseOutcome: Equatable {
        /// Between responses: nothing lost.
        case idle
        /// It ended a response delimited by the close.
        case endedResponse
        /// The response was cut short.
        case cutShort
    }

    private(set) var state: State = .head
    let maxHeadBytes: Int
    /// The response to come answers a HEAD request (no body, whatever its head says).
    var requestIsHead = false
    /// Chunked bodies are handed on as chunk data only (for an HTTP/1.0 client).
    var dechunk = false
    private var headScan = HTTPSyntax.HeadScan()
    /// The response being read keeps the connection.
    private var keepAlive = true

    init(maxHeadBytes: Int = 64 * 1024) {
        self.maxHeadBytes = maxHeadBytes
    }

    /// The next event from `buffer`, consuming its bytes; nil when more bytes are needed
    /// (what is left in `buffer` must then be kept and more appended to it).
    mutating func next(_ buffer: inout ByteBuffer) throws(UpstreamResponseError) -> UpstreamResponseEvent? {
        switch state {
        case .ending:
            state = keepAlive ? .head : .closed
            return .end
        case .head:
            return try head(&buffer)
        case .closed:
            // Line ends may trail (as llhttp has it); anything else is refused.
            Self.skipLineEnds(&buffer)
            guard buffer.readableBytes == 0 else { throw UpstreamResponseError("bytes after a response that closes the connection") }
            return nil
        case .fixed(let remaining):
            guard buffer.readableBytes > 0 else { return nil }
            let count = min(remaining, buffer.readableBytes)
            state = count == remaining ? .ending : .fixed(remaining: remaining - count)
            return .body(buffer.readSlice(length: count)!)
        case .untilClose:
            guard buffer.readableBytes > 0 else { return nil }
            return .body(buffer.readSlice(length: buffer.readableBytes)!)
        case .chunkSize, .chunkData, .chunkDataEnd, .trailers:
            return try chunked(&buffer)
        }
    }

    /// The upstream closed the connection (after `next` returned nil).
    mutating func inputClosed(unread: Int) -> CloseOutcome {
        switch state {
        case .untilClose:
            state = .head
            return .endedResponse
        case .head where unread == 0, .closed:
            return .idle
        default:
            return .cutShort
        }
    }

    // MARK: heads

    private static func skipLineEnds(_ buffer: inout ByteBuffer) {
        while let byte = buffer.readableBytesView.first, byte == 0x0D || byte == 0x0A { buffer.moveReaderIndex(forwardBy: 1) }
    }

    private mutating func head(_ buffer: inout ByteBuffer) throws(UpstreamResponseError) -> UpstreamResponseEvent? {
        while true {
            let length: Int
            switch headScan.next(&buffer, maxBytes: maxHeadBytes) {
            case .incomplete: return nil
            case .complete(let count): length = count
            // A CR without LF is refused when the head is checked.
            case .bareLF: throw UpstreamResponseError("a line ends in LF without CR")
            case .tooLarge: throw UpstreamResponseError("response head over \(maxHeadBytes) bytes")
            }
            let bytes = buffer.readSlice(length: length)!
            let head = try Self.parseHead(bytes, requestIsHead: requestIsHead)
            // Interim responses (100 Continue, 103 Early Hints) are not passed on: the client
            // of an HTTP/1.0 proxy hop may not expect them. One that does not keep the
            // connection (an HTTP/1.0 one, or with `close`) ends it, as llhttp has it.
            guard head.status >= 200 else {
                if head.keepAlive { continue }
                state = .closed
                return try next(&buffer)
            }
            keepAlive = head.keepAlive
            switch head.framing {
            case .none, .length(0): state = .ending
            case .length(let count): state = .fixed(remaining: count)
            case .chunked: state = .chunkSize
            case .untilClose: state = .untilClose
            }
            return .head(head)
        }
    }

    /// Checks a whole head (status line through the empty line) and reads its framing.
    static func parseHead(_ bytes: ByteBuffer, requestIsHead: Bool) throws(UpstreamResponseError) -> UpstreamResponseHead {
        try HTTPSyntax.reading(bytes) { (head) throws(UpstreamResponseError) in
            try parseHead(head, bytes: bytes, requestIsHead: requestIsHead)
        }
    }

    private static func parseHead(
        _ head: UnsafeRawBufferPointer, bytes: ByteBuffer, requestIsHead: Bool
    ) throws(UpstreamResponseError) -> UpstreamResponseHead {
        // "HTTP/1.x NNN" then " reason" or nothing, CRLF.
        guard head.count >= 14, head.starts(with: "HTTP/1.".utf8), head[7] == 0x30 || head[7] == 0x31, head[8] == 0x20 else {
            throw UpstreamResponseError("not an HTTP/1.0 or HTTP/1.1 status line")
        }
        let minor = head[7] &- 0x30
        var status = 0
        for index in 9..<12 {
            guard HTTPSyntax.isDigit(head[index]) else { throw UpstreamResponseError("status code not three digits") }
            status = status * 10 + Int(head[index] &- 0x30)
        }
        guard status >= 100 else { throw UpstreamResponseError("status code \(status)", stricter: .statusBelow100) }
        // The gateway forwards no upgrade (it drops `Upgrade` from requests), so a switch of
        // protocols is a response to something it did not send.
        guard status != 101 else { throw UpstreamResponseError("101 Switching Protocols", stricter: .switchingProtocols) }
        var index = 12
        if head[index] == 0x20 {
            // The reason phrase is any bytes but CR and LF, as llhttp reads it; it passes on
            // as it came.
            index += 1
            while head[index] != 0x0D && head[index] != 0x0A { index += 1 }
        }
        guard head[index] == 0x0D else { throw UpstreamResponseError("malformed status line") }
        guard head[index + 1] == 0x0A else { throw UpstreamResponseError("CR without LF after the status line", stricter: .loneCR) }
        index += 2

        var contentLength: Int?
        var transferEncoding = TransferEncoding.absent
        var close = false
        var keepAliveOption = false
        var namesFields = false
        while !(head[index] == 0x0D && head[index + 1] == 0x0A) {
            let line: HTTPSyntax.FieldLine
            do {
                line = try HTTPSyntax.fieldLine(head, at: index)
            } catch {
                throw UpstreamResponseError(error.message, stricter: error.loneCR ? .loneCR : nil)
            }
            index = line.lineEnd + 2
            let name = UnsafeRawBufferPointer(rebasing: head[line.nameStart..<line.nameEnd])
            let value = UnsafeRawBufferPointer(rebasing: head[line.valueStart..<line.valueEnd])
            switch name.count {
            case 10 where HTTPSyntax.equal(name, "connection"):
                HTTPSyntax.forEachToken(value) { token in
                    if HTTPSyntax.equal(token, "close") {
                        close = true
                    } else if HTTPSyntax.equal(token, "keep-alive") {
                        keepAliveOption = true
                    } else {
                        namesFields = true
                    }
                }
            case 14 where HTTPSyntax.equal(name, "content-length"):
                guard contentLength == nil else { throw UpstreamResponseError("more than one Content-Length") }
                guard let length = HTTPSyntax.length(value) else { throw UpstreamResponseError("invalid Content-Length") }
                contentLength = length
            case 17 where HTTPSyntax.equal(name, "transfer-encoding"):
                transferEncoding.add(UnsafeRawBufferPointer(rebasing: head[line.valueStart..<line.lineEnd]))
            default:
                break
            }
        }
        guard index + 2 == head.count else { throw UpstreamResponseError("malformed head") }

        if transferEncoding != .absent && contentLength != nil {
            // Both is how responses are smuggled (RFC 9112 section 6.3): refused, not resolved,
            // whether or not a body follows.
            throw UpstreamResponseError("both Transfer-Encoding and Content-Length")
        }
        var keepAlive = minor == 1 ? !close : keepAliveOption && !close
        let framing: UpstreamResponseHead.Framing
        if requestIsHead || status < 200 || status == 204 || status == 304 {
            framing = .none
        } else if transferEncoding != .absent {
            framing = transferEncoding == .chunked ? .chunked : .untilClose
        } else if let contentLength {
            framing = .length(contentLength)
        } else {
            framing = .untilClose
        }
        if framing == .untilClose { keepAlive = false }
        return UpstreamResponseHead(
            bytes: bytes, status: status, keepAlive: keepAlive, framing: framing, connectionNamesFields: namesFields)
    }

    /// What the `Transfer-Encoding` fields say of the framing, read as llhttp reads them (so
    /// that the gateway frames a response as an llhttp client behind it would): the body is
    /// chunked when the last non-blank field ends in the token `chunked` (followed by spaces
    /// only); any other coding last means the body runs to the close (RFC 9112 section 6.3).
    /// "chunked, chunked" is chunked, as llhttp has it; the relay forwards the field as it
    /// came, so both ends of the gateway read one framing.
    private enum TransferEncoding: Equatable {
        case absent, chunked, other

        /// `value`: the field value after its leading whitespace, with its trailing whitespace.
        mutating func add(_ value: UnsafeRawBufferPointer) {
            // A blank value says nothing (llhttp neither sets nor clears chunked for it).
            guard value.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
            var end = value.count
            while end > 0 && value[end - 1] == 0x20 { end -= 1 }
            guard end >= 7 else {
                self = .other
                return
            }
            let start = end - 7
            let endsInToken = HTTPSyntax.equal(UnsafeRawBufferPointer(rebasing: value[start..<end]), "chunked")
            var before = start
            while before > 0 && (value[before - 1] == 0x20 || value[before - 1] == 0x09) { before -= 1 }
            self = endsInToken && (before == 0 || value[before - 1] == 0x2C) ? .chunked : .other
        }
    }

    // MARK: chunked bodies

    /// Walks chunk framing from the buffer's start. Passing on, it returns one slice of all
    /// the complete pieces it could walk; de-chunking, each chunk's data as a slice of its
    /// own, the framing bytes consumed and dropped.
    private mutating func chunked(_ buffer: inout ByteBuffer) throws(UpstreamResponseError) -> UpstreamResponseEvent? {
        var walked = 0  // bytes walked past the reader index, not yet handed on (passing on)
        while true {
            let available = buffer.readableBytes - walked
            switch state {
            case .chunkSize:
                guard let (lineLength, size) = try chunkSizeLine(buffer, from: walked) else {
                    return flush(&buffer, walked)
                }
                try consume(&buffer, &walked, lineLength)
                state = size == 0 ? .trailers(bytes: 0) : .chunkData(remaining: size)
            case .chunkData(let remaining):
                guard available > 0 else { return flush(&buffer, walked) }
                let count = min(remaining, available)
                state = count == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - count)
                if dechunk { return .body(buffer.readSlice(length: count)!) }
                walked += count
            case .chunkDataEnd:
                guard available >= 2 else { return flush(&buffer, walked) }
                guard buffer.getInteger(at: buffer.readerIndex + walked, as: UInt16.self) == 0x0D0A else {
                    throw UpstreamResponseError("chunk data not followed by CRLF")
                }
                try consume(&buffer, &walked, 2)
                state = .chunkSize
            case .trailers(let seen):
                guard let lineLength = try trailerLine(buffer, from: walked, seen: seen) else { return flush(&buffer, walked) }
                try consume(&buffer, &walked, lineLength)
                if lineLength == 2 {
                    state = .ending
                    if dechunk {
                        state = keepAlive ? .head : .closed
                        return .end
                    }
                    return flush(&buffer, walked)
                }
                state = .trailers(bytes: seen + lineLength)
            default:
                return flush(&buffer, walked)
            }
        }
    }

    /// Framing bytes: walked past when passing on, dropped when de-chunking.
    private func consume(_ buffer: inout ByteBuffer, _ walked: inout Int, _ count: Int) throws(UpstreamResponseError) {
        if dechunk { buffer.moveReaderIndex(forwardBy: count) } else { walked += count }
    }

    /// The walked bytes as one body slice, or nil (more bytes needed) when there are none.
    private func flush(_ buffer: inout ByteBuffer, _ walked: Int) -> UpstreamResponseEvent? {
        // Passing on, the trailers' empty line is always among the walked bytes, so `.ending`
        // is never reached with nothing to hand on.
        guard walked > 0 else { return nil }
        return .body(buffer.readSlice(length: walked)!)
    }

    /// A chunk-size line at `offset`: its length and the size, or nil when incomplete.
    private func chunkSizeLine(_ buffer: ByteBuffer, from offset: Int) throws(UpstreamResponseError) -> (Int, Int)? {
        let line = buffer.withUnsafeReadableBytes { HTTPSyntax.chunkSizeLine(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
        switch line {
        case .incomplete: return nil
        case .complete(let length, let size): return (length, size)
        case .invalid(let why): throw UpstreamResponseError(why)
        }
    }

    /// A trailer field line (or the empty line that ends the trailers) at `offset`: its
    /// length, or nil when incomplete.
    private func trailerLine(_ buffer: ByteBuffer, from offset: Int, seen: Int) throws(UpstreamResponseError) -> Int? {
        let line = buffer.withUnsafeReadableBytes {
            HTTPSyntax.trailerLine(UnsafeRawBufferPointer(rebasing: $0[offset...]), limit: maxHeadBytes - seen)
        }
        switch line {
        case .incomplete: return nil
        case .complete(let length, _): return length
        case .invalid(let why): throw UpstreamResponseError(why == "trailers too large" ? "trailers over \(maxHeadBytes) bytes" : why)
        }
    }
}
