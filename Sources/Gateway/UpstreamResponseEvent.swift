import NIOCore

/// What the upstream's bytes say next.
enum UpstreamResponseEvent {
    /// A final (2xx-5xx) response head; 1xx interim heads are read and dropped.
    case head(UpstreamResponseHead)
    /// Body bytes to forward: the wire bytes as they came (chunk framing and trailers
    /// included), or only the chunk data when de-chunking for an HTTP/1.0 client.
    case body(ByteBuffer)
    /// The response is complete.
    case end
}
