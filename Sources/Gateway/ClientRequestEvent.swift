import NIOCore

/// What the client's bytes say next.
enum ClientRequestEvent {
    /// A request head, checked.
    case head(ClientRequestHead)
    /// Body bytes (a chunked body's data only: its framing is read and dropped).
    case body(ByteBuffer)
    /// The request is complete (after its trailers, for a chunked body).
    case end
}
