import NIOCore
import NIOHTTP1

/// The admin listener: `/ready` (200 while serving, 503 once draining, so a load balancer
/// stops sending), `/healthz` (200 while the process runs) and `/metrics` (Prometheus text).
final class AdminHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let gateway: Gateway
    private var head: HTTPRequestHead?

    init(gateway: Gateway) { self.gateway = gateway }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let (status, type, body): (HTTPResponseStatus, String, [UInt8])
        switch (head.method, path) {
        case (.GET, "/ready"), (.HEAD, "/ready"):
            let ready = gateway.isReady
            (status, type, body) = (ready ? .ok : .serviceUnavailable, "text/plain", Array((ready ? "ready\n" : "draining\n").utf8))
        case (.GET, "/healthz"), (.HEAD, "/healthz"):
            (status, type, body) = (.ok, "text/plain", Array("ok\n".utf8))
        case (.GET, "/metrics"), (.HEAD, "/metrics"):
            (status, type, body) = (.ok, "text/plain; version=0.0.4; charset=utf-8", gateway.metrics.render(policy: gateway.policy))
        case (_, "/ready"), (_, "/healthz"), (_, "/metrics"):
            (status, type, body) = (.methodNotAllowed, "text/plain", Array("GET only\n".utf8))
        default:
            (status, type, body) = (.notFound, "text/plain", Array("not found: /ready, /healthz, /metrics\n".utf8))
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: type)
        headers.add(name: "Content-Length", value: String(body.count))
        if !head.isKeepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if head.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        let keepAlive = head.isKeepAlive
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            if !keepAlive { context.close(promise: nil) }
        }
    }
}
