import JWTValidation
import NIOCore
import NIOHTTP1

/// One client connection of the echo upstream: collects each request's head and body, records
/// it when its end arrives and answers 200 with `{"echo":"jwtbench","method":...,"uri":...,
/// "body_bytes":n}`, keeping the connection open unless the client asked to close it.
final class EchoHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let log: EchoLog
    private let started: NIODeadline
    private let stall: EchoStall?
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(log: EchoLog, started: NIODeadline, stall: EchoStall?) {
        self.log = log
        self.started = started
        self.stall = stall
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(let buffer):
            body += buffer.readableBytesView
        case .end:
            guard let head else { return }
            self.head = nil
            let request = EchoRequest(
                method: head.method.rawValue, uri: head.uri, headers: head.headers.map { EchoRequest.Header($0.name, $0.value) },
                body: body)
            body = []
            log.record(request)
            respond(to: request, keepAlive: head.isKeepAlive, context: context)
        }
    }

    private func respond(to request: EchoRequest, keepAlive: Bool, context: ChannelHandlerContext) {
        let delay = stall?.delay(at: .nanoseconds((NIODeadline.now() - started).nanoseconds)) ?? .zero
        guard delay > .zero else {
            write(request, keepAlive: keepAlive, context: context)
            return
        }
        let nanoseconds = delay.components.seconds * 1_000_000_000 + delay.components.attoseconds / 1_000_000_000
        context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(nanoseconds)) {
            self.write(request, keepAlive: keepAlive, context: context)
        }
    }

    private func write(_ request: EchoRequest, keepAlive: Bool, context: ChannelHandlerContext) {
        let text =
            "{\"echo\":\"jwtbench\",\"method\":\(JSONString.quote(request.method)),\"uri\":\(JSONString.quote(request.uri)),\"body_bytes\":\(request.body.count)}\n"
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(text.utf8.count))
        headers.add(name: "X-Upstream", value: "jwtbench-echo")
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: text)))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
