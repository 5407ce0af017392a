import NIOCore
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Serves the issuer's two documents on one connection, applying the configured latency and
/// fault. Runs on the connection's event loop; shares only `IssuerState`.
final class IssuerHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let state: IssuerState
    private var head: HTTPRequestHead?

    init(state: IssuerState) { self.state = state }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        state.channels.withLockedValue { $0[ObjectIdentifier(channel)] = channel }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        let channel = context.channel
        _ = state.channels.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(channel)) }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            let path = String(head.uri.split(separator: "?", maxSplits: 1).first ?? "")
            let (plan, latency) = state.plan(method: head.method.rawValue, path: path)
            if latency > .zero {
                _ = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(latency.nanosecondsClamped)) {
                    self.carry(out: plan, for: head, context: context)
                }
            } else {
                carry(out: plan, for: head, context: context)
            }
        }
    }

    private func carry(out plan: IssuerState.Plan, for head: HTTPRequestHead, context: ChannelHandlerContext) {
        // The client may have given up during the latency.
        guard context.channel.isActive else { return }
        switch plan {
        case .hang:
            return
        case .reset:
            // SO_LINGER with a zero timeout makes close() send RST instead of FIN.
            if let socket = context.channel as? any SocketOptionProvider {
                socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).assumeIsolated().whenComplete { _ in
                    context.close(promise: nil)
                }
            } else {
                context.close(promise: nil)
            }
        case .garbage:
            send(
                status: 200, contentType: "application/json", body: Self.garbage(context.channel.allocator),
                cacheControl: nil, head: head, context: context)
        case .oversized(let bytes):
            // Streamed, so that a 50 MB answer costs the issuer 64 KiB and the client's memory
            // is what a test measures.
            let prefix = "{\"keys\":[],\"padding\":\""
            let suffix = "\"}"
            let padding = max(0, bytes - prefix.utf8.count - suffix.utf8.count)
            writeHead(status: 200, contentType: "application/json", length: prefix.utf8.count + padding + suffix.utf8.count, context)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: prefix)))), promise: nil)
            stream(padding: padding, suffix: suffix, context: context)
        case .drip(let body, let every):
            writeHead(status: 200, contentType: "application/json", length: body.utf8.count, context)
            context.flush()
            drip(Array(body.utf8), from: 0, every: every, context: context)
        case .redirect(let location):
            var headers = HTTPHeaders()
            headers.add(name: "Location", value: location)
            headers.add(name: "Content-Length", value: "0")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .found, headers: headers))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        case .respond(let status, let contentType, let body, let cacheControl):
            send(
                status: status, contentType: contentType, body: context.channel.allocator.buffer(string: body),
                cacheControl: cacheControl, head: head, context: context)
        }
    }

    private func send(
        status: Int, contentType: String, body: ByteBuffer, cacheControl: String?,
        head: HTTPRequestHead, context: ChannelHandlerContext
    ) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        if let cacheControl { headers.add(name: "Cache-Control", value: cacheControl) }
        let keepAlive = head.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let responseHead = HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: status), headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if head.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    private func writeHead(status: Int, contentType: String, length: Int, _ context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(length))
        headers.add(name: "Connection", value: "close")
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers))),
            promise: nil)
    }

    /// Writes `padding` bytes of `x` in 64 KiB pieces, each after the previous one left, then
    /// `suffix`; stops when a write fails (the client hung up).
    private func stream(padding: Int, suffix: String, context: ChannelHandlerContext) {
        guard padding > 0 else {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: suffix)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            return
        }
        let piece = min(padding, 64 * 1024)
        var buffer = context.channel.allocator.buffer(capacity: piece)
        buffer.writeRepeatingByte(UInt8(ascii: "x"), count: piece)
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer)))).assumeIsolated().whenComplete { result in
            guard case .success = result else { return context.close(promise: nil) }
            self.state.streamedBytes.add(piece, ordering: .relaxed)
            self.stream(padding: padding - piece, suffix: suffix, context: context)
        }
    }

    /// Sends `bytes[index...]` one byte per `every`, then ends the response.
    private func drip(_ bytes: [UInt8], from index: Int, every: Duration, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        guard index < bytes.count else {
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: 1)
        buffer.writeInteger(bytes[index])
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        _ = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(every.nanosecondsClamped)) {
            self.drip(bytes, from: index + 1, every: every, context: context)
        }
    }

    /// Bytes no JSON parser accepts.
    private static func garbage(_ allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 64)
        buffer.writeBytes([0x1F, 0x8B, 0x08, 0x00])
        buffer.writeString("<html>this is not a key set{{{")
        return buffer
    }
}
