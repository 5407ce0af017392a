import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// An origin for the gateway tests, on loopback: records every request it receives (head and
/// body, as they arrived) and answers as told.
final class RecordingUpstream: Sendable {
    struct Received: Sendable {
        var method: String
        var uri: String
        var headers: [(String, String)]
        var body: [UInt8]
        func header(_ name: String) -> [String] { headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1) }
    }

    enum Behaviour: Sendable {
        /// 200 with `upstream saw <method> <uri> (<n> body bytes)`.
        case ok
        /// Never answers.
        case hang
        /// Answers after this long.
        case delay(TimeAmount)
        /// Answers with a body of this many bytes, chunked.
        case large(Int)
        /// The same, written only while the connection is writable, as a server that honours
        /// backpressure does: `streamedBytes` says how far it got.
        case stream(Int)
        /// Answers with exactly these bytes, past NIO's response encoder (for responses the
        /// encoder would never write).
        case raw([UInt8])
        /// The same, then closes the connection (a response delimited by the close).
        case rawThenClose([UInt8])
        /// Exactly these pieces, each flushed on its own, `gap` apart (a response that
        /// arrives over several reads).
        case rawPieces([[UInt8]], gap: TimeAmount)
    }

    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channel: any Channel
    private let received = NIOLockedValueBox<[Received]>([])
    private let bodyBytes = NIOLockedValueBox<Int>(0)
    private let accepted = NIOLockedValueBox<Int>(0)
    private let streamed = NIOLockedValueBox<Int>(0)
    let behaviour: NIOLockedValueBox<Behaviour>

    init(_ behaviour: Behaviour = .ok) throws {
        let box = NIOLockedValueBox(behaviour)
        self.behaviour = box
        let received = self.received
        let bodyBytes = self.bodyBytes
        let accepted = self.accepted
        let streamed = self.streamed
        channel = try ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                accepted.withLockedValue { $0 += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        UpstreamRecorder(received: received, bodyBytes: bodyBytes, streamed: streamed, behaviour: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
    }

    var port: Int { channel.localAddress?.port ?? 0 }
    var url: String { "http://127.0.0.1:\(port)" }
    /// Every complete request so far.
    var requests: [Received] { received.withLockedValue { $0 } }
    /// Connections accepted so far (the gateway's pool reuses them).
    var connections: Int { accepted.withLockedValue { $0 } }
    /// Body bytes received so far (counted as they arrive, not kept for big bodies).
    var totalBodyBytes: Int { bodyBytes.withLockedValue { $0 } }
    /// Body bytes of `.stream` responses handed to the kernel so far.
    var streamedBytes: Int { streamed.withLockedValue { $0 } }

    func stop() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }
}

private final class UpstreamRecorder: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let received: NIOLockedValueBox<[RecordingUpstream.Received]>
    let bodyBytes: NIOLockedValueBox<Int>
    let streamed: NIOLockedValueBox<Int>
    let behaviour: NIOLockedValueBox<RecordingUpstream.Behaviour>
    var current: RecordingUpstream.Received?
    /// Bytes of a `.stream` body still to write (nil: none in progress).
    var streamRemaining: Int?
    /// Bodies past this size are counted, not kept.
    static let keep = 1 << 20

    init(
        received: NIOLockedValueBox<[RecordingUpstream.Received]>, bodyBytes: NIOLockedValueBox<Int>,
        streamed: NIOLockedValueBox<Int>, behaviour: NIOLockedValueBox<RecordingUpstream.Behaviour>
    ) {
        self.received = received
        self.bodyBytes = bodyBytes
        self.streamed = streamed
        self.behaviour = behaviour
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            current = .init(method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) }, body: [])
        case .body(let buffer):
            bodyBytes.withLockedValue { $0 += buffer.readableBytes }
            if (current?.body.count ?? 0) < Self.keep { current?.body += Array(buffer.readableBytesView) }
        case .end:
            guard let request = current else { return }
            current = nil
            received.withLockedValue { $0.append(request) }
            answer(request, context: context)
        }
    }

    private func answer(_ request: RecordingUpstream.Received, context: ChannelHandlerContext) {
        let text = "upstream saw \(request.method) \(request.uri) (\(request.body.count) body bytes)\n"
        switch behaviour.withLockedValue({ $0 }) {
        case .hang:
            return
        case .ok:
            write(text, context: context)
        case .delay(let delay):
            context.eventLoop.assumeIsolated().scheduleTask(in: delay) { self.write(text, context: context) }
        case .raw(let bytes):
            // Written from the encoder's context: straight to the socket, unencoded.
            guard let encoder = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self) else { return }
            encoder.writeAndFlush(NIOAny(ByteBuffer(bytes: bytes)), promise: nil)
        case .rawThenClose(let bytes):
            guard let encoder = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self) else { return }
            encoder.writeAndFlush(NIOAny(ByteBuffer(bytes: bytes))).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        case .rawPieces(let pieces, let gap):
            guard let encoder = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self) else { return }
            for (index, piece) in pieces.enumerated() {
                context.eventLoop.assumeIsolated().scheduleTask(in: gap * Int64(index)) {
                    encoder.writeAndFlush(NIOAny(ByteBuffer(bytes: piece)), promise: nil)
                }
            }
        case .large(let size):
            var headers = HTTPHeaders()
            headers.add(name: "Transfer-Encoding", value: "chunked")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            var remaining = size
            while remaining > 0 {
                let n = min(remaining, 64 * 1024)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(repeating: 0x61, count: n)))), promise: nil)
                remaining -= n
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        case .stream(let size):
            var headers = HTTPHeaders()
            headers.add(name: "Transfer-Encoding", value: "chunked")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            streamRemaining = size
            pump(context: context)
        }
    }

    /// Writes the `.stream` body on while the connection can take it.
    private func pump(context: ChannelHandlerContext) {
        while let remaining = streamRemaining, remaining > 0, context.channel.isWritable {
            let n = min(remaining, 64 * 1024)
            streamRemaining = remaining - n
            let streamed = self.streamed
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(repeating: 0x61, count: n))))).whenSuccess {
                streamed.withLockedValue { $0 += n }
            }
        }
        if streamRemaining == 0 {
            streamRemaining = nil
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { pump(context: context) }
        context.fireChannelWritabilityChanged()
    }

    private func write(_ text: String, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: String(text.utf8.count))
        headers.add(name: "X-Upstream", value: "recording")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
