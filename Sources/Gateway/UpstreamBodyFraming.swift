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
    static func write(_ body: ByteBuffer, chunked: Bool, to channel: any Channel) {
        guard body.readableBytes > 0 else { return }
        guard chunked else {
            channel.write(body, promise: nil)
            return
        }
        var size = channel.allocator.buffer(capacity: 18)
        size.writeString(String(body.readableBytes, radix: 16))
        size.writeStaticString("\r\n")
        channel.write(size, promise: nil)
        channel.write(body, promise: nil)
        channel.write(crlf, promise: nil)
    }

    /// Ends the body: the last chunk when chunked, unflushed; else nothing.
    static func writeEnd(chunked: Bool, to channel: any Channel) {
        if chunked { channel.write(lastChunk, promise: nil) }
    }
}
