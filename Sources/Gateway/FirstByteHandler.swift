import NIOCore

/// Sits before the HTTP decoder and tells the connection when the first byte of a request
/// arrives, which starts the request-head deadline (so a slowloris client, which sends a
/// byte at a time, is cut off, while an idle keep-alive connection is not).
final class FirstByteHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// Called once per arming, on the first bytes that arrive after it.
    var onFirstByte: (() -> Void)?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if let callback = onFirstByte {
            onFirstByte = nil
            callback()
        }
        context.fireChannelRead(data)
    }
}
