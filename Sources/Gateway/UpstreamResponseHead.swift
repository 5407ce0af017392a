import NIOCore
import NIOHTTP1

/// A final response head from the upstream, as it came on the wire, with what a proxy must
/// know of it. The head is not decoded into `HTTPHeaders`: the gateway forwards its field
/// lines as they are, less the hop-by-hop ones (`clientHead`).
struct UpstreamResponseHead {
    /// How the body that follows is delimited (RFC 9112 section 6.3).
    enum Framing: Equatable {
        /// No body (a response to HEAD, 204, 304).
        case none
        /// `Content-Length` bytes.
        case length(Int)
        /// Chunked transfer coding, trailers included.
        case chunked
        /// Everything until the upstream closes the connection.
        case untilClose
    }

    /// The whole head: status line, field lines and the empty line, each ending in CRLF
    /// (the parser refuses anything else).
    let bytes: ByteBuffer
    /// The status code.
    let status: Int
    /// Whether the upstream lets the connection be reused after this response.
    let keepAlive: Bool
    let framing: Framing
    /// A `Connection` field names options other than `close` and `keep-alive`: the fields
    /// it names are hop-by-hop too.
    let connectionNamesFields: Bool

    /// Offset in `bytes` of the status code (after `HTTP/1.x `).
    static let statusCodeOffset = 9

    /// The head the client receives: the status line with the client's version, the
    /// upstream's field lines byte for byte less hop-by-hop ones and those its `Connection`
    /// names (`Transfer-Encoding` stays when the chunked body is passed on as it is), then
    /// `Connection: close` when the gateway closes after the response, or
    /// `Connection: keep-alive` for an HTTP/1.0 client kept open. The buffer has
    /// `extraCapacity` bytes of room after the head, for body bytes to join it.
    func clientHead(
        version: HTTPVersion, keepAlive: Bool, dechunk: Bool, extraCapacity: Int = 0, allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        var out = allocator.buffer(capacity: bytes.readableBytes + 24 + extraCapacity)
        out.writeStaticString(version.minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ")
        let named = connectionNamesFields ? connectionOptions() : []
        bytes.withUnsafeReadableBytes { head in
            var lineStart = Self.statusCodeOffset
            var first = true
            while lineStart < head.count {
                var lineEnd = lineStart
                while head[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                lineEnd += 1
                if lineEnd - lineStart == 2 { break }  // the empty line
                let line = UnsafeRawBufferPointer(rebasing: head[lineStart..<lineEnd])
                if first || keeps(line, dechunk: dechunk, named: named) { out.writeBytes(line) }
                first = false
                lineStart = lineEnd
            }
        }
        if !keepAlive {
            out.writeStaticString("Connection: close\r\n")
        } else if version.major == 1 && version.minor == 0 {
            out.writeStaticString("Connection: keep-alive\r\n")
        }
        out.writeStaticString("\r\n")
        return out
    }

    /// Whether a field line goes on to the client.
    private func keeps(_ line: UnsafeRawBufferPointer, dechunk: Bool, named: [[UInt8]]) -> Bool {
        let colon = line.firstIndex(of: UInt8(ascii: ":"))!
        let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
        if HTTPSyntax.equal(name, "transfer-encoding") { return framing == .chunked && !dechunk }
        if ProxyHeaders.isHopByHop(name) { return false }
        return !named.contains { HTTPSyntax.equal(name, $0) }
    }

    /// The option names of the `Connection` fields, lower-cased (the rare path: only when
    /// one names something beyond `close` and `keep-alive`).
    func connectionOptions() -> [[UInt8]] {
        var names: [[UInt8]] = []
        forEachField { name, value in
            guard HTTPSyntax.equal(name, "connection") else { return }
            for token in value.split(separator: UInt8(ascii: ",")) {
                let trimmed = token.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
                if !trimmed.isEmpty { names.append(trimmed.map(ProxyHeaders.lower)) }
            }
        }
        return names
    }

    /// Calls `body` with each field's name and value (without surrounding whitespace).
    func forEachField(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void) {
        bytes.withUnsafeReadableBytes { head in
            var lineStart = head.firstIndex(of: UInt8(ascii: "\n"))! + 1
            while lineStart < head.count {
                var lineEnd = lineStart
                while head[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                if lineEnd - lineStart == 1 { return }
                let colon = head[lineStart..<lineEnd].firstIndex(of: UInt8(ascii: ":"))!
                var valueStart = colon + 1
                var valueEnd = lineEnd - 1  // the CR
                while valueStart < valueEnd && (head[valueStart] == 0x20 || head[valueStart] == 0x09) { valueStart += 1 }
                while valueEnd > valueStart && (head[valueEnd - 1] == 0x20 || head[valueEnd - 1] == 0x09) { valueEnd -= 1 }
                body(
                    UnsafeRawBufferPointer(rebasing: head[lineStart..<colon]),
                    UnsafeRawBufferPointer(rebasing: head[valueStart..<valueEnd]))
                lineStart = lineEnd + 1
            }
        }
    }
}
