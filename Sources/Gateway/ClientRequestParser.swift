import NIOCore
import NIOHTTP1

/// An incremental parser of the client's requests that checks each head in place and does
/// not decode it (`ClientRequestHead` keeps the bytes and offsets), then hands the body on as
/// slices of the bytes read: a `Content-Length` body as it came, a chunked one as its data.
///
/// Hand-written because NIOHTTP1's decoder builds an `HTTPRequestHead` (a `String` per name
/// and value) that the gateway reads three fields of and then writes out again: decoding was
/// a fifth of a proxied request's user time (bench/NOTES.md). This is the side requests are
/// smuggled through, so it reads strictly (RFC 9112) and never more leniently than llhttp:
/// CRLF line ends only, no obs-fold, token field names with no space before the colon, no
/// control bytes in values, one `Content-Length` of digits, `Transfer-Encoding` only without
/// `Content-Length` and ending in `chunked`, HTTP/1.0 and HTTP/1.1 only, one `Host` (required
/// in HTTP/1.1), llhttp's methods less `CONNECT`. `RequestDifferential` (the tests and the
/// FuzzClientRequest target) holds it to llhttp: it never reads a request llhttp would not,
/// and where both read one, they read the same method, target, version, fields, body and
/// keep-alive.
///
/// Memory is bounded: a head or trailer section over `maxHeadBytes`, more than `maxFields`
/// fields, or a chunk-size line over 4 KiB is an error; body bytes are never held.
struct ClientRequestParser {
    enum State: Equatable {
        case head
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers(bytes: Int)
        /// The body is complete: `.end` is next.
        case ending
        /// The last request does not keep the connection: nothing after it is read.
        case closed
    }

    private(set) var state: State = .head
    let maxHeadBytes: Int
    let maxFields: Int
    private var headScan = HTTPSyntax.HeadScan()
    /// The request being read keeps the connection.
    private var keepAlive = true

    init(maxHeadBytes: Int = 64 * 1024, maxFields: Int = 100) {
        self.maxHeadBytes = maxHeadBytes
        self.maxFields = maxFields
    }

    /// The next event from `buffer`, consuming its bytes; nil when more bytes are needed
    /// (what is left in `buffer` must then be kept and more appended to it), and always nil
    /// once a request that closes the connection has ended.
    mutating func next(_ buffer: inout ByteBuffer) throws(ClientRequestError) -> ClientRequestEvent? {
        while true {
            switch state {
            case .head:
                return try head(&buffer)
            case .closed:
                return nil
            case .ending:
                state = keepAlive ? .head : .closed
                return .end
            case .fixed(let remaining):
                guard buffer.readableBytes > 0 else { return nil }
                let count = min(remaining, buffer.readableBytes)
                state = count == remaining ? .ending : .fixed(remaining: remaining - count)
                return .body(buffer.readSlice(length: count)!)
            case .chunkSize:
                switch buffer.withUnsafeReadableBytes({ HTTPSyntax.chunkSizeLine($0) }) {
                case .incomplete: return nil
                case .invalid(let why): throw ClientRequestError(why)
                case .complete(let length, let size):
                    buffer.moveReaderIndex(forwardBy: length)
                    state = size == 0 ? .trailers(bytes: 0) : .chunkData(remaining: size)
                }
            case .chunkData(let remaining):
                guard buffer.readableBytes > 0 else { return nil }
                let count = min(remaining, buffer.readableBytes)
                state = count == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - count)
                return .body(buffer.readSlice(length: count)!)
            case .chunkDataEnd:
                guard buffer.readableBytes >= 2 else { return nil }
                guard buffer.readInteger(as: UInt16.self) == 0x0D0A else { throw ClientRequestError("chunk data not followed by CRLF") }
                state = .chunkSize
            case .trailers(let seen):
                let limit = maxHeadBytes - seen
                switch buffer.withUnsafeReadableBytes({ HTTPSyntax.trailerLine($0, limit: limit) }) {
                case .incomplete: return nil
                case .invalid(let why): throw ClientRequestError(why, tooLarge: why == "trailers too large")
                case .complete(let length, _):
                    // Trailers are read and dropped: the gateway forwards none. One that would
                    // frame the message is refused (RFC 9110 section 6.5.1), as llhttp does.
                    guard length == 2 || !buffer.withUnsafeReadableBytes(Self.startsWithFramingField) else {
                        throw ClientRequestError("a framing field in the trailers")
                    }
                    buffer.moveReaderIndex(forwardBy: length)
                    state = length == 2 ? .ending : .trailers(bytes: seen + length)
                }
            }
        }
    }

    /// Whether a (complete, checked) field line names `Content-Length` or `Transfer-Encoding`.
    private static func startsWithFramingField(_ line: UnsafeRawBufferPointer) -> Bool {
        guard let colon = line.firstIndex(of: 0x3A) else { return false }
        let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
        return HTTPSyntax.equal(name, "content-length") || HTTPSyntax.equal(name, "transfer-encoding")
    }

    // MARK: heads

    private mutating func head(_ buffer: inout ByteBuffer) throws(ClientRequestError) -> ClientRequestEvent? {
        let length: Int
        switch headScan.next(&buffer, maxBytes: maxHeadBytes) {
        case .incomplete: return nil
        case .complete(let count): length = count
        // A CR without LF is refused when the head is checked.
        case .bareLF: throw ClientRequestError("a line ends in LF without CR")
        case .tooLarge: throw ClientRequestError("request head over \(maxHeadBytes) bytes", tooLarge: true)
        }
        let bytes = buffer.readSlice(length: length)!
        let head = try Self.parseHead(bytes, maxFields: maxFields)
        keepAlive = head.keepAlive
        switch head.framing {
        case .none, .length(0): state = .ending
        case .length(let count): state = .fixed(remaining: count)
        case .chunked: state = .chunkSize
        }
        return .head(head)
    }

    /// Checks a whole head (request line through the empty line) and reads its framing.
    static func parseHead(_ bytes: ByteBuffer, maxFields: Int) throws(ClientRequestError) -> ClientRequestHead {
        try HTTPSyntax.reading(bytes) { (head) throws(ClientRequestError) in try parseHead(head, bytes: bytes, maxFields: maxFields) }
    }

    private static func parseHead(
        _ head: UnsafeRawBufferPointer, bytes: ByteBuffer, maxFields: Int
    ) throws(ClientRequestError) -> ClientRequestHead {
        // method SP request-target SP HTTP-version CRLF; the head ends in CRLF CRLF, so every
        // scan below stops inside it.
        var index = 0
        while HTTPSyntax.isTokenByte(head[index]) { index += 1 }
        guard head[index] == 0x20, index > 0 else { throw ClientRequestError("malformed request line") }
        let method = try method(UnsafeRawBufferPointer(rebasing: head[0..<index]))
        index += 1
        let targetStart = index
        while isTargetByte(head[index]) { index += 1 }
        let targetEnd = index
        guard head[index] == 0x20, validTarget(UnsafeRawBufferPointer(rebasing: head[targetStart..<targetEnd])) else {
            throw ClientRequestError("malformed request target")
        }
        index += 1
        guard index + 10 <= head.count, head[index..<(index + 7)].elementsEqual("HTTP/1.".utf8),
            head[index + 7] == 0x30 || head[index + 7] == 0x31, head[index + 8] == 0x0D, head[index + 9] == 0x0A
        else {
            throw ClientRequestError("not an HTTP/1.0 or HTTP/1.1 request line")
        }
        let minor = Int(head[index + 7] &- 0x30)
        index += 10

        var fields: [ClientRequestHead.Field] = []
        // One allocation for the usual head, not one per doubling.
        fields.reserveCapacity(min(16, maxFields))
        var contentLength: Int?
        var codings = TransferCodings()
        var close = false
        var keepAliveOption = false
        var hosts = 0
        while !(head[index] == 0x0D && head[index + 1] == 0x0A) {
            guard fields.count < maxFields else { throw ClientRequestError("more than \(maxFields) header fields", tooLarge: true) }
            let line: HTTPSyntax.FieldLine
            do { line = try HTTPSyntax.fieldLine(head, at: index) } catch { throw ClientRequestError(error.message) }
            index = line.lineEnd + 2
            let name = UnsafeRawBufferPointer(rebasing: head[line.nameStart..<line.nameEnd])
            let value = UnsafeRawBufferPointer(rebasing: head[line.valueStart..<line.valueEnd])
            fields.append(
                .init(
                    nameStart: Int32(line.nameStart), nameEnd: Int32(line.nameEnd), valueStart: Int32(line.valueStart),
                    valueEnd: Int32(line.valueEnd)))
            switch name.count {
            case 4 where HTTPSyntax.equal(name, "host"):
                hosts += 1
            case 10 where HTTPSyntax.equal(name, "connection"):
                HTTPSyntax.forEachToken(value) { token in
                    if HTTPSyntax.equal(token, "close") {
                        close = true
                    } else if HTTPSyntax.equal(token, "keep-alive") {
                        keepAliveOption = true
                    }
                }
            case 14 where HTTPSyntax.equal(name, "content-length"):
                guard contentLength == nil else { throw ClientRequestError("more than one Content-Length") }
                guard let length = HTTPSyntax.length(value) else { throw ClientRequestError("invalid Content-Length") }
                contentLength = length
            case 17 where HTTPSyntax.equal(name, "transfer-encoding"):
                try codings.add(value)
            default:
                break
            }
        }
        guard index + 2 == head.count else { throw ClientRequestError("malformed head") }
        // RFC 9112 section 3.2 (llhttp does not check): an HTTP/1.1 request names its host once.
        guard hosts <= 1 else { throw ClientRequestError("more than one Host field") }
        guard hosts == 1 || minor == 0 else { throw ClientRequestError("no Host field in an HTTP/1.1 request") }

        let framing: ClientRequestHead.Framing
        if codings.present {
            // Both is how requests are smuggled (RFC 9112 section 6.3): refused, not resolved.
            guard contentLength == nil else { throw ClientRequestError("both Transfer-Encoding and Content-Length") }
            // A request body's length is only known when chunked is the last coding.
            guard codings.lastIsChunked else { throw ClientRequestError("Transfer-Encoding does not end in chunked") }
            // HTTP/1.0 has no transfer codings; a 1.0 request with one has faulty framing
            // (RFC 9112 section 6.1).
            guard minor == 1 else { throw ClientRequestError("Transfer-Encoding in an HTTP/1.0 request") }
            framing = .chunked
        } else if let contentLength, contentLength > 0 {
            framing = .length(contentLength)
        } else {
            framing = .none
        }
        return ClientRequestHead(
            bytes: bytes, method: method, version: minor == 1 ? .http1_1 : .http1_0, targetStart: targetStart, targetEnd: targetEnd,
            fields: fields, framing: framing, keepAlive: minor == 1 ? !close : keepAliveOption && !close,
            unsupportedTransferCoding: codings.unsupported)
    }

    /// The `Transfer-Encoding` fields of a request, all of them read as one list.
    private struct TransferCodings {
        var present = false
        var lastIsChunked = false
        var chunkedSeen = false
        /// The first coding other than one `chunked`.
        var unsupported: String?

        mutating func add(_ value: UnsafeRawBufferPointer) throws(ClientRequestError) {
            var members = 0
            var failure: ClientRequestError?
            HTTPSyntax.forEachToken(value) { coding in
                members += 1
                let chunked = HTTPSyntax.equal(coding, "chunked")
                if (!chunked || chunkedSeen) && unsupported == nil {
                    // A coding is a token (with parameters after a ";"); anything else is not a coding.
                    if !coding.allSatisfy({ HTTPSyntax.isTokenByte($0) || $0 == 0x3B || $0 == 0x3D || $0 == 0x20 || $0 == 0x09 }) {
                        failure = ClientRequestError("malformed Transfer-Encoding")
                    }
                    unsupported = String(decoding: coding.prefix(40), as: UTF8.self)
                }
                chunkedSeen = chunkedSeen || chunked
                lastIsChunked = chunked
            }
            if let failure { throw failure }
            guard members > 0 else { throw ClientRequestError("empty Transfer-Encoding") }
            present = true
        }
    }

    // MARK: the request line

    /// llhttp's methods (its HTTP set), less `CONNECT`: the gateway is no forward proxy, and
    /// a tunnel through a pooled upstream connection would outlive the request.
    private static let methods: [(StaticString, HTTPMethod)] = [
        ("GET", .GET), ("POST", .POST), ("HEAD", .HEAD), ("PUT", .PUT), ("DELETE", .DELETE), ("PATCH", .PATCH),
        ("OPTIONS", .OPTIONS), ("TRACE", .TRACE), ("COPY", .COPY), ("LOCK", .LOCK), ("MKCOL", .MKCOL), ("MOVE", .MOVE),
        ("PROPFIND", .PROPFIND), ("PROPPATCH", .PROPPATCH), ("SEARCH", .SEARCH), ("UNLOCK", .UNLOCK), ("BIND", .BIND),
        ("REBIND", .REBIND), ("UNBIND", .UNBIND), ("ACL", .ACL), ("REPORT", .REPORT), ("MKACTIVITY", .MKACTIVITY),
        ("CHECKOUT", .CHECKOUT), ("MERGE", .MERGE), ("M-SEARCH", .MSEARCH), ("NOTIFY", .NOTIFY), ("SUBSCRIBE", .SUBSCRIBE),
        ("UNSUBSCRIBE", .UNSUBSCRIBE), ("PURGE", .PURGE), ("MKCALENDAR", .MKCALENDAR), ("LINK", .LINK), ("UNLINK", .UNLINK),
        ("SOURCE", .SOURCE), ("QUERY", .RAW(value: "QUERY")),
    ]

    private static func method(_ bytes: UnsafeRawBufferPointer) throws(ClientRequestError) -> HTTPMethod {
        for (name, method) in methods
        where name.utf8CodeUnitCount == bytes.count
            && bytes.elementsEqual(UnsafeRawBufferPointer(start: name.utf8Start, count: bytes.count))
        {
            return method
        }
        if bytes.elementsEqual("CONNECT".utf8) { throw ClientRequestError("CONNECT is not supported (the gateway is no forward proxy)") }
        throw ClientRequestError("unknown method")
    }

    /// A visible ASCII byte: what a target may hold (llhttp refuses obs-text there too, and
    /// lets TAB and FF through, which the gateway does not).
    private static func isTargetByte(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x7F }

    /// origin-form ("/..."), asterisk-form ("*") or absolute-form: a scheme of letters, "://",
    /// an authority of letters, digits, "-._~", ":" and "[]" (a port, an IPv6 literal), then
    /// the path and query. Narrower than RFC 3986 allows and than llhttp reads (no userinfo,
    /// no percent-encoding or sub-delimiters in the host): an authority a proxy forwards should
    /// be plain.
    private static func validTarget(_ target: UnsafeRawBufferPointer) -> Bool {
        guard let first = target.first else { return false }
        if first == 0x2F { return true }
        if first == 0x2A { return target.count == 1 }
        var index = 0
        while index < target.count, isLetter(target[index]) { index += 1 }
        guard index > 0, target.count > index + 3, target[index] == 0x3A, target[index + 1] == 0x2F, target[index + 2] == 0x2F
        else { return false }
        index += 3
        let authorityStart = index
        while index < target.count, isAuthorityByte(target[index]) { index += 1 }
        guard index > authorityStart else { return false }
        return index == target.count || target[index] == 0x2F || target[index] == 0x3F
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    private static func isAuthorityByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F, 0x7E, 0x3A, 0x5B, 0x5D: true
        default: false
        }
    }
}
