// The floor of a proxy hop built on SwiftNIO, for bench/relay.sh: how much of the gateway's
// cost per request is NIO's I/O, how much NIOHTTP1's codecs, and how much our own logic.
//
//   nio-relay raw  LISTEN_PORT UPSTREAM_PORT   bytes glued both ways, no HTTP at all
//   nio-relay http LISTEN_PORT UPSTREAM_PORT   NIOHTTP1 on both sides, parts forwarded
//   nio-relay half LISTEN_PORT UPSTREAM_PORT   requests decoded and re-encoded; responses
//                                              written back as bytes (no response codec)
//
// One event loop; each client connection gets its own upstream connection on the same loop
// (keep-alive both ways, as the gateway's pool is in steady state). Not a proxy anyone
// should deploy: no limits, no timeouts, no backpressure, no hop-by-hop header handling.
import NIOCore
import NIOHTTP1
import NIOPosix

enum Mode: String { case raw, http, half }

/// Bytes read on one channel are written to its peer, flushed at the end of each read burst.
final class ByteGlue: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    var peer: Channel?
    var pending: [ByteBuffer] = []

    func attach(_ peer: Channel) {
        self.peer = peer
        for buffer in pending { peer.write(buffer, promise: nil) }
        pending = []
        peer.flush()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if let peer { peer.write(buffer, promise: nil) } else { pending.append(buffer) }
    }

    func channelReadComplete(context: ChannelHandlerContext) { peer?.flush() }
    func channelInactive(context: ChannelHandlerContext) { peer?.close(promise: nil) }
}

/// Upstream responses, decoded, written to the client as server response parts.
final class ResponseForwarder: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    let client: Channel
    init(client: Channel) { self.client = client }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): client.write(HTTPServerResponsePart.head(head), promise: nil)
        case .body(let body): client.write(HTTPServerResponsePart.body(.byteBuffer(body)), promise: nil)
        case .end(let trailers): client.writeAndFlush(HTTPServerResponsePart.end(trailers), promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) { client.close(promise: nil) }
}

/// Connects the upstream of the client connection behind `context`, on the same event loop,
/// with the pipeline `mode` needs; `attached` runs on that loop once it is connected.
func connectUpstream(
    _ context: ChannelHandlerContext, mode: Mode, port: Int, attached: @escaping @Sendable (Channel) -> Void
) {
    let client = context.channel
    ClientBootstrap(group: context.eventLoop)
        .channelOption(.tcpOption(.tcp_nodelay), value: 1)
        .channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                let pipeline = channel.pipeline.syncOperations
                switch mode {
                case .raw, .half:
                    if mode == .half { try pipeline.addHandler(HTTPRequestEncoder()) }
                    let back = ByteGlue()
                    back.peer = client
                    try pipeline.addHandler(back)
                case .http:
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(ResponseForwarder(client: client))
                }
            }
        }
        .connect(host: "127.0.0.1", port: port)
        .whenComplete { result in
            switch result {
            case .success(let channel): attached(channel)
            case .failure: client.close(promise: nil)
            }
        }
}

/// The client side of `raw`: bytes to the upstream.
final class RawFront: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let upstreamPort: Int
    let bytes = ByteGlue()
    init(upstreamPort: Int) { self.upstreamPort = upstreamPort }

    func channelActive(context: ChannelHandlerContext) {
        let bytes = NIOLoopBound(self.bytes, eventLoop: context.eventLoop)
        connectUpstream(context, mode: .raw, port: upstreamPort) { bytes.value.attach($0) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { bytes.channelRead(context: context, data: data) }
    func channelReadComplete(context: ChannelHandlerContext) { bytes.channelReadComplete(context: context) }
    func channelInactive(context: ChannelHandlerContext) { bytes.channelInactive(context: context) }
}

/// The client side of `http` and `half`: decoded requests re-encoded to the upstream.
final class HTTPFront: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    let mode: Mode
    let upstreamPort: Int
    var upstream: Channel?
    var pending: [HTTPClientRequestPart] = []

    init(mode: Mode, upstreamPort: Int) {
        self.mode = mode
        self.upstreamPort = upstreamPort
    }

    func channelActive(context: ChannelHandlerContext) {
        let me = NIOLoopBound(self, eventLoop: context.eventLoop)
        connectUpstream(context, mode: mode, port: upstreamPort) { me.value.attached($0) }
        context.fireChannelActive()
    }

    private func attached(_ channel: Channel) {
        upstream = channel
        for part in pending { channel.write(part, promise: nil) }
        pending = []
        channel.flush()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part: HTTPClientRequestPart
        switch unwrapInboundIn(data) {
        case .head(let head): part = .head(head)
        case .body(let body): part = .body(.byteBuffer(body))
        case .end(let trailers): part = .end(trailers)
        }
        if let upstream { upstream.write(part, promise: nil) } else { pending.append(part) }
    }

    func channelReadComplete(context: ChannelHandlerContext) { upstream?.flush() }
    func channelInactive(context: ChannelHandlerContext) { upstream?.close(promise: nil) }
}

let arguments = CommandLine.arguments
guard arguments.count == 4, let mode = Mode(rawValue: arguments[1]), let listenPort = Int(arguments[2]),
    let upstreamPort = Int(arguments[3])
else {
    print("usage: nio-relay raw|http|half LISTEN_PORT UPSTREAM_PORT")
    exit(2)
}
let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let server = try ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 256)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            switch mode {
            case .raw:
                try pipeline.addHandler(RawFront(upstreamPort: upstreamPort))
            case .http:
                try pipeline.configureHTTPServerPipeline(withPipeliningAssistance: false, withErrorHandling: false)
                try pipeline.addHandler(HTTPFront(mode: mode, upstreamPort: upstreamPort))
            case .half:
                // A decoder and no encoder: the upstream's response bytes go to the socket as-is.
                try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes)))
                try pipeline.addHandler(HTTPFront(mode: mode, upstreamPort: upstreamPort))
            }
        }
    }
    .bind(host: "127.0.0.1", port: listenPort).wait()
print("nio-relay \(mode.rawValue) on 127.0.0.1:\(listenPort) -> 127.0.0.1:\(upstreamPort)")
try server.closeFuture.wait()
