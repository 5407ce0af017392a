import NIOCore

/// Sits before the HTTP decoder and tells the connection when the first byte of a request
/// arrives, which starts the request-head deadline (so a slowloris client, which sends a
/// byte at a time, is cut off, while an idle keep-alive connection is not).
final class FirstByteHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Writes `response` as raw bytes below the HTTP codec, then closes: for an answer to a
    /// request whose head never completed, which the HTTP layers have no request to pair with.
    func respondRawAndClose(_ response: String) {
        guard let context else { return }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: response))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    /// Writes response bytes below the HTTP codec (a relayed upstream response), unflushed.
    func writeRaw(_ buffer: ByteBuffer) {
        context?.write(wrapOutboundOut(buffer), promise: nil)
    }

    func flushRaw() {
        context?.flush()
    }

    /// Flushes what was written; the future completes once all of it is out.
    func flushRawWhenWritten() -> EventLoopFuture<Void>? {
        guard let context else { return nil }
        return context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)))
    }

    /// The connection told of the first bytes after each arming (weak: the pipeline owns both).
    weak var connection: GatewayConnectionHandler?
    /// Set between requests; the next bytes clear it and tell the connection.
    var armed = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if armed {
            armed = false
            connection?.firstByteArrived()
        }
        context.fireChannelRead(data)
    }
}
