import NIOCore

/// What an upstream connection reports to the client exchange using it.
protocol UpstreamExchange: AnyObject {
    func upstreamResponseHead(_ head: UpstreamResponseHead)
    /// Body bytes to forward as they are (not flushed: `upstreamReadComplete` flushes).
    func upstreamResponseBody(_ buffer: ByteBuffer)
    func upstreamResponseEnd()
    /// The upstream's bytes of one read have all been handed on.
    func upstreamReadComplete()
    /// The connection failed or closed before the response ended.
    func upstreamFailed(_ error: UpstreamFailure)
    /// The upstream connection's writability changed (request-body backpressure).
    func upstreamWritabilityChanged(_ writable: Bool)
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

/// The last handler of an upstream connection's pipeline: reads the upstream's responses
/// with `UpstreamResponseParser` (no HTTP decoder below it), hands their head, body bytes
/// and end to the exchange currently using the connection, and holds reads while the client
/// cannot take more. Requests go out as bytes the exchange writes through it
/// (`ProxyHeaders.writeUpstreamRequest`, `UpstreamBodyFraming`): there is no HTTP codec in
/// the pipeline either way.
///
/// Reads are held by turning the channel's `autoRead` off (`pauseReads`), not by swallowing
/// `read(context:)`: NIO passes reads only to handlers that take outbound operations, and a
/// handler in the outbound path costs every request a hop, where the option costs only the
/// client's writability changes. (An inbound handler's `read(context:)` is never called: for a
/// while it was all that held reads, and a client that stopped reading had the whole response
/// buffered in the gateway.)
final class UpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The exchange using the connection; nil while it idles in the pool. Strong, and cleared
    /// on every way out of an exchange (back to the pool, closed by either side, failed; the
    /// client going away closes it): a weak reference gave the client's handler a side table,
    /// so that every retain and release of it took the runtime's slow path, about 5% of the
    /// gateway's user time per request.
    var exchange: (any UpstreamExchange)?
    /// Set when the connection is closed or broken: it must not go back to the pool.
    private(set) var isBroken = false
    /// Whether the last response allows reusing the connection.
    private(set) var responseKeepAlive = false
    /// Reads are paused: the client cannot take more response bytes (response backpressure).
    private(set) var readsPaused = false
    private var parser: UpstreamResponseParser
    /// Bytes of a head or chunk line not complete yet (bounded by the parser's limits).
    private var unread: ByteBuffer?
    /// Its context while in the pipeline. The exchange writes through it: that goes straight
    /// on toward the socket, where `channel.write` would start at the pipeline's tail and
    /// first ask which thread it is on.
    private var context: ChannelHandlerContext?

    init(maxHeadBytes: Int = 64 * 1024) {
        parser = UpstreamResponseParser(maxHeadBytes: maxHeadBytes)
    }

    /// Chunked responses are handed on as chunk data only (the exchange's client speaks
    /// HTTP/1.0); set before the request goes out.
    var dechunk: Bool {
        get { parser.dechunk }
        set { parser.dechunk = newValue }
    }

    /// The request is a HEAD, whose response has no body whatever its head says; set before
    /// the request goes out.
    var requestIsHead: Bool {
        get { parser.requestIsHead }
        set { parser.requestIsHead = newValue }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        exchange = nil
    }

    /// Writes `bytes` toward the upstream, unflushed (a no-op once the handler is removed:
    /// the connection is closed then). On the connection's event loop only.
    func write(_ bytes: ByteBuffer) {
        context?.write(wrapOutboundOut(bytes), promise: nil)
    }

    /// Flushes what was written.
    func flush() {
        context?.flush()
    }

    /// Pauses reads from the upstream (`autoRead` off: NIO stops asking the socket), or lets
    /// them go on. Called when the client's writability changes, at attach and at release;
    /// a no-op when nothing changes.
    func pauseReads(_ paused: Bool) {
        guard paused != readsPaused, let context else { return }
        readsPaused = paused
        try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: !paused)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if var unread {
            self.unread = nil
            unread.writeBuffer(&buffer)
            buffer = unread
        }
        // The exchange is loaded once, and again only after a response's end, the one event
        // that hands the connection back. One torn down meanwhile (its client gone) ignores
        // what it is still handed.
        var current = exchange
        do {
            while let event = try parser.next(&buffer) {
                guard let exchange = current else {
                    // A response nobody asked for, or bytes after a response's end: the
                    // connection is out of step with its requests and cannot be reused.
                    fail(.malformed, context: context)
                    return
                }
                switch event {
                case .head(let head):
                    responseKeepAlive = head.keepAlive
                    exchange.upstreamResponseHead(head)
                case .body(let body):
                    exchange.upstreamResponseBody(body)
                case .end:
                    exchange.upstreamResponseEnd()
                    current = self.exchange
                }
            }
        } catch {
            fail(.malformed, context: context)
            return
        }
        if buffer.readableBytes > 0 {
            guard current != nil else {
                fail(.malformed, context: context)
                return
            }
            unread = buffer
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        exchange?.upstreamReadComplete()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        exchange?.upstreamWritabilityChanged(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        isBroken = true
        let exchange = self.exchange
        self.exchange = nil
        if parser.inputClosed(unread: unread?.readableBytes ?? 0) == .endedResponse {
            // A response without length or chunking ends when the upstream closes.
            exchange?.upstreamResponseEnd()
        } else {
            exchange?.upstreamFailed(.closed)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(.closed, context: context)
    }

    /// The connection is unusable: the exchange learns why, and the connection closes.
    private func fail(_ failure: UpstreamFailure, context: ChannelHandlerContext) {
        isBroken = true
        unread = nil
        let exchange = self.exchange
        self.exchange = nil
        exchange?.upstreamFailed(failure)
        context.close(promise: nil)
    }
}
