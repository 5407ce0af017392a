import NIOCore
import NIOHTTP1

/// The allowed path: the upstream connection, the forwarded request and the streamed response.
extension GatewayConnectionHandler: UpstreamExchange {
    /// Gets an upstream connection (pooled, else new), then sends the head and whatever
    /// queued while deciding and connecting.
    func connect(_ request: GatewayRequest, claims: [(String, String)], context: ChannelHandlerContext) {
        let head = ProxyHeaders.upstreamRequest(
            request.head, target: loop.configuration.upstream, clientAddress: clientAddress, claimHeaders: claims,
            strippedNames: request.policy.claimHeaders.map(\.lowercasedHeader))
        send(request, head: head, over: loop.pool.acquire())
    }

    /// Sends `head` and the queued parts over the connection `connection` delivers, or answers
    /// 502 when none can be had. Both the first attempt and the one retry come through here.
    private func send(_ request: GatewayRequest, head: HTTPRequestHead, over connection: EventLoopFuture<UpstreamConnection>) {
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
                request.upstream = upstream
                request.upstreamHead = head
                upstream.handler.exchange = self
                upstream.channel.write(HTTPClientRequestPart.head(head), promise: nil)
                while let part = request.queued.popFirst() {
                    switch part {
                    case .body(let buffer):
                        request.bodyForwarded = true
                        upstream.channel.write(HTTPClientRequestPart.body(.byteBuffer(buffer)), promise: nil)
                    case .end:
                        sendRequestEnd(upstream, request: request)
                    case .head:
                        break
                    }
                }
                request.queuedBytes = 0
                upstream.channel.flush()
                resumeClientReads()
            }
        }
    }

    /// The request's end goes to the upstream, and the upstream's response deadline starts.
    func sendRequestEnd(_ upstream: UpstreamConnection, request: GatewayRequest) {
        request.upstreamRequestEnded = true
        upstream.channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        guard !request.responseStarted else { return }
        setDeadline(.upstream, after: loop.upstreamResponseNanoseconds)
    }

    /// Closes the request's upstream connection (it cannot be reused).
    func dropUpstream(_ request: GatewayRequest) {
        guard let upstream = request.upstream else { return }
        request.upstream = nil
        upstream.handler.exchange = nil
        upstream.channel.close(promise: nil)
    }

    // MARK: UpstreamExchange

    var clientIsWritable: Bool { context?.channel.isWritable ?? false }

    func upstreamResponseHead(_ head: HTTPResponseHead) {
        guard let request, let context else { return }
        if deadlineKind == .upstream { deadline = 0 }
        // 1xx interim responses are not passed on (the encoder's client may not expect them).
        if head.status.code < 200 { return }
        request.responseStarted = true
        request.status = head.status.code
        let keepAlive = request.keepAlive && !request.closeAfterResponse && !loop.draining
        if !keepAlive { request.closeAfterResponse = true }
        context.write(
            wrapOutboundOut(.head(ProxyHeaders.clientResponse(head, version: request.head.version, keepAlive: keepAlive))),
            promise: nil)
    }

    func upstreamResponseBody(_ buffer: ByteBuffer) {
        guard request?.responseStarted == true, let context else { return }
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
    }

    func upstreamResponseEnd(_ trailers: HTTPHeaders?) {
        guard let request, let context else { return }
        request.upstreamResponseEnded = true
        if !request.requestEnded {
            // The upstream answered before the whole request was sent (an early error, say):
            // neither connection can be reused.
            request.closeAfterResponse = true
        }
        finish(request, context: context, end: .some(trailers))
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
            close(context)
            return
        }
        if let upstream, upstream.reused, !request.retried, !request.bodyForwarded, let retryHead = request.upstreamHead {
            // A pooled connection the upstream had closed while idle: the request (with no body
            // sent yet) is sent again on a new connection, once.
            request.retried = true
            request.upstreamRequestEnded = false
            if request.requestEnded { request.queued.append(.end(nil)) }
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
