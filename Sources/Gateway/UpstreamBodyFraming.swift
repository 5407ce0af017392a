import NIOCore

/// The request body's framing on the way to the upstream. The gateway writes it itself, as
/// it writes the head (`ProxyHeaders.writeUpstreamRequest`): there is no HTTP encoder in the
/// upstream pipeline. A body the client framed with `Content-Length` goes as it came; a
/// chunked one, which NIO's parser hands on de-chunked, is chunked again, one chunk per part
/// read (trailers are not forwarded).
enum UpstreamBodyFraming {
    /// The last chunk with no trailer section (RFC 9112 section 7.1).
    static let lastChunk = ByteBuffer(string: "0\r\n\r\n")
    static let crlf = ByteBuffer(string: "\r\n")

    /// Writes one part of the body, unflushed. An empty part writes nothing: as a chunk it
    /// would end the body.
    static func write(_ body: ByteBuffer, chunked: Bool, to upstream: UpstreamHandler) {
        guard body.readableBytes > 0 else { return }
        guard chunked else {
            upstream.write(body)
            return
        }
        var size = ByteBuffer()
        size.reserveCapacity(18)
        size.writeString(String(body.readableBytes, radix: 16))
        size.writeStaticString("\r\n")
        upstream.write(size)
        upstream.write(body)
        upstream.write(crlf)
    }

    /// Ends the body: the last chunk when chunked, unflushed; else nothing.
    static func writeEnd(chunked: Bool, to upstream: UpstreamHandler) {
        if chunked { upstream.write(lastChunk) }
    }
}
