import Measurement
import NIOCore
import NIOHTTP1

/// The allowed path: the upstream connection, the forwarded request and the streamed response.
extension GatewayConnectionHandler: UpstreamExchange {
    /// Gets an upstream connection (pooled, else new), then sends the head and whatever
    /// queued while deciding and connecting.
    func connect(_ request: GatewayRequest, claims: [(String, String)], context: ChannelHandlerContext) {
        // Sized for the client's head plus the fields the gateway adds: one allocation.
        var head = context.channel.allocator.buffer(capacity: request.headBytes + 256)
        request.upstreamChunked = ProxyHeaders.writeUpstreamRequest(
            request.head, target: loop.configuration.upstream, clientAddress: clientAddress, claimHeaders: claims,
            strippedNames: request.policy.strippedNames, into: &head)
        if let pooled = loop.pool.takeIdle() {
            // The common case, with no future and no callback to allocate.
            attach(request, head: head, to: pooled)
        } else {
            send(request, head: head, over: loop.pool.connect())
        }
    }

    /// Sends `head` and the queued parts over the connection `connection` delivers, or answers
    /// 502 when none can be had: a new connection, and the one retry.
    private func send(_ request: GatewayRequest, head: ByteBuffer, over connection: EventLoopFuture<UpstreamConnection>) {
        connection.assumeIsolated().whenComplete { [self] result in
            guard self.request === request, let context = self.context else {
                // The client left (or the request was answered) while connecting.
                if case .success(let upstream) = result { loop.pool.release(upstream) }
                return
            }
            switch result {
            case .failure(let error):
                let failure = error as? UpstreamFailure ?? .connect("\(error)")
                loop.metrics.recordUpstreamError(failure)
                request.detail = "upstream: \(failure)"
                respond(.error(.badGateway, .upstreamUnreachable), to: request, context: context)
            case .success(let upstream):
                attach(request, head: head, to: upstream)
            }
        }
    }

    /// Sends `head` and the queued parts over `upstream`.
    private func attach(_ request: GatewayRequest, head: ByteBuffer, to upstream: UpstreamConnection) {
        request.upstream = upstream
        request.upstreamHead = head
        upstream.handler.exchange = self
        upstream.handler.pauseReads(!(context?.channel.isWritable ?? true))
        upstream.handler.dechunk = request.head.version.minor == 0
        upstream.handler.requestIsHead = request.head.method == .HEAD
        upstream.handler.write(head)
        let queued = request.queued
        request.queued = []
        for part in queued {
            switch part {
            case .body(let buffer):
                request.bodyForwarded = true
                UpstreamBodyFraming.write(buffer, chunked: request.upstreamChunked, to: upstream.handler)
            case .end:
                sendRequestEnd(upstream, request: request, flush: false)
            }
        }
        request.queuedBytes = 0
        // A request without a body has its end next in this same parse, and that flushes:
        // one flush a request, not two (each goes down the pipeline to the socket).
        if !(parsing && parser.state == .ending) { upstream.handler.flush() }
        resumeClientReads()
    }

    /// The request's end goes to the upstream, and the upstream's response deadline starts.
    func sendRequestEnd(_ upstream: UpstreamConnection, request: GatewayRequest, flush: Bool = true) {
        request.upstreamRequestEnded = true
        UpstreamBodyFraming.writeEnd(chunked: request.upstreamChunked, to: upstream.handler)
        if flush { upstream.handler.flush() }
        guard !request.responseStarted else { return }
        // In a parse, the end came with the read being handled; else (sent once connected)
        // it goes out now.
        setDeadline(.upstream, after: loop.upstreamResponseNanoseconds, from: parsing ? eventNanoseconds : MonotonicClock.now())
    }

    /// Closes the request's upstream connection (it cannot be reused).
    func dropUpstream(_ request: GatewayRequest) {
        guard let upstream = request.upstream else { return }
        request.upstream = nil
        upstream.handler.exchange = nil
        upstream.channel.close(promise: nil)
    }

    // MARK: UpstreamExchange

    /// The upstream's head goes to the client as bytes (see `UpstreamResponseParser` for
    /// why), rewritten only where a proxy must: the version, the hop-by-hop fields, `Connection`.
    func upstreamResponseHead(_ head: UpstreamResponseHead) {
        guard let request, let context else { return }
        if deadlineKind == .upstream { deadline = 0 }
        request.responseStarted = true
        request.status = UInt(head.status)
        let dechunk = request.head.version.minor == 0
        // A body that ends when the upstream closes, or a chunked one passed to an HTTP/1.0
        // client without its chunking, can only be delimited by closing the client too.
        let closeDelimited = head.framing == .untilClose || (dechunk && head.framing == .chunked)
        let keepAlive = request.keepAlive && !request.closeAfterResponse && !loop.draining && !closeDelimited
        if !keepAlive { request.closeAfterResponse = true }
        // Room for a small body after the head, so that its bytes are copied in without the
        // buffer growing (which would copy the head again).
        var bodyRoom = 0
        if case .length(let length) = head.framing, length <= Self.heldBodyLimit { bodyRoom = length }
        writeHeldResponse(context)
        heldResponse = head.clientHead(
            version: request.head.version, keepAlive: keepAlive, dechunk: dechunk, extraCapacity: bodyRoom,
            allocator: context.channel.allocator)
    }

    /// The most body bytes copied in after a held head (a larger body goes out as its own slice).
    static let heldBodyLimit = 4096

    func upstreamResponseBody(_ buffer: ByteBuffer) {
        guard request?.responseStarted == true, let context else { return }
        if let room = heldResponse?.writableBytes, room >= buffer.readableBytes {
            // In place: the optional is not copied, so the buffer is not either.
            heldResponse?.writeImmutableBuffer(buffer)
            return
        }
        writeHeldResponse(context)
        context.write(wrapOutboundOut(buffer), promise: nil)
    }

    /// Writes the held head (and body bytes), if any.
    func writeHeldResponse(_ context: ChannelHandlerContext) {
        guard let held = heldResponse else { return }
        heldResponse = nil
        context.write(wrapOutboundOut(held), promise: nil)
    }

    func upstreamReadComplete() {
        guard let context else { return }
        writeHeldResponse(context)
        context.flush()
    }

    func upstreamResponseEnd() {
        guard let request, let context else { return }
        request.upstreamResponseEnded = true
        if !request.requestEnded {
            // The upstream answered before the whole request was sent (an early error, say):
            // neither connection can be reused.
            request.closeAfterResponse = true
        }
        finish(request, context: context, end: .unflushed)
    }

    func upstreamFailed(_ failure: UpstreamFailure) {
        guard let request, let context else { return }
        let upstream = request.upstream
        request.upstream = nil
        upstream?.channel.close(promise: nil)
        if request.upstreamResponseEnded { return }
        if request.responseStarted {
            // Part of the response is out: the client can only learn of the failure by the
            // connection closing before the response's end.
            loop.metrics.recordUpstreamError(failure)
            writeHeldResponse(context)
            context.flush()
            close(context)
            return
        }
        if let upstream, upstream.reused, !request.retried, !request.bodyForwarded, let retryHead = request.upstreamHead {
            // A pooled connection the upstream had closed while idle: the request (with no body
            // sent yet) is sent again on a new connection, once.
            request.retried = true
            request.upstreamRequestEnded = false
            if request.requestEnded { request.queued.append(.end) }
            if deadlineKind == .upstream { deadline = 0 }
            send(request, head: retryHead, over: loop.pool.connect())
            return
        }
        loop.metrics.recordUpstreamError(failure)
        request.detail = "upstream: \(failure)"
        request.closeAfterResponse = !request.requestEnded
        respond(.error(.badGateway, failure == .malformed ? .upstreamMalformed : .upstreamUnreachable), to: request, context: context)
    }

    func upstreamWritabilityChanged(_ writable: Bool) {
        if writable { resumeClientReads() }
    }
}
