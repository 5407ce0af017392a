import NIOCore
import NIOHTTP1

/// What an upstream connection reports to the client exchange using it.
protocol UpstreamExchange: AnyObject {
    func upstreamResponseHead(_ head: HTTPResponseHead)
    func upstreamResponseBody(_ buffer: ByteBuffer)
    func upstreamResponseEnd(_ trailers: HTTPHeaders?)
    /// The connection failed or closed before the response ended.
    func upstreamFailed(_ error: UpstreamFailure)
    /// The upstream connection's writability changed (request-body backpressure).
    func upstreamWritabilityChanged(_ writable: Bool)
    /// Whether the client connection can take more response bytes (response backpressure).
    var clientIsWritable: Bool { get }
}

/// Why an exchange with the upstream failed.
enum UpstreamFailure: Error, Hashable {
    /// No connection could be made (then 502).
    case connect(String)
    /// The connection closed or broke before the response ended (502 if nothing was sent back).
    case closed
    /// No response head within the upstream timeout (504).
    case timeout
    /// The upstream's response could not be parsed (502).
    case malformed

    /// The metric label.
    var kind: String {
        switch self {
        case .connect: "connect"
        case .closed: "reset"
        case .timeout: "timeout"
        case .malformed: "malformed"
        }
    }
}

/// The last handler of an upstream connection's pipeline: hands response parts to the
/// exchange currently using the connection, and holds reads while the client cannot take more.
final class UpstreamHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    /// The exchange using the connection; nil while it idles in the pool. Weak: a client that
    /// goes away must not be kept alive by its upstream.
    weak var exchange: (any UpstreamExchange)?
    /// Set when the connection is closed or broken: it must not go back to the pool.
    private(set) var isBroken = false
    /// Whether the last response allows reusing the connection.
    private(set) var responseKeepAlive = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            responseKeepAlive = head.isKeepAlive
            exchange?.upstreamResponseHead(head)
        case .body(let buffer):
            exchange?.upstreamResponseBody(buffer)
        case .end(let trailers):
            exchange?.upstreamResponseEnd(trailers)
        }
    }

    func read(context: ChannelHandlerContext) {
        // Held while the client cannot take more; the exchange calls `channel.read()` again
        // when it can.
        if let exchange, !exchange.clientIsWritable { return }
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        exchange?.upstreamWritabilityChanged(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        isBroken = true
        let exchange = self.exchange
        self.exchange = nil
        exchange?.upstreamFailed(.closed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        isBroken = true
        let exchange = self.exchange
        self.exchange = nil
        exchange?.upstreamFailed(error is HTTPParserError ? .malformed : .closed)
        context.close(promise: nil)
    }
}
