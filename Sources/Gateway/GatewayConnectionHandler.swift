import JWTValidation
import Logging
import Measurement
import NIOCore
import NIOHTTP1

/// One client connection: reads requests, decides each with the policy, forwards allowed ones
/// to the upstream and streams the response back, or answers itself (a denial, a proxy
/// error). Everything runs on the connection's event loop; the upstream connection is on the
/// same loop, so the two sides call each other directly.
///
/// Backpressure both ways: reads from the client are held while the upstream connection
/// cannot take more (or while parts queue behind a pending decision), and reads from the
/// upstream while the client cannot, so a 50 MB body or a slow reader costs a bounded buffer.
///
/// Requests are read from the connection's bytes by `ClientRequestParser`, in place (no
/// `HTTPRequestHead`). Pipelined requests (HTTP/1.1 clients may send the next request before
/// the previous response) wait as unparsed bytes: parsing stops at a request that has ended
/// but is not answered yet and goes on once it is, and reads are held while such bytes wait.
/// (NIO's `HTTPServerPipelineHandler` would stop reading after every request and start again
/// after its response, two `epoll_ctl` calls per request on every keep-alive connection.)
final class GatewayConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let loop: GatewayLoopContext
    var context: ChannelHandlerContext?
    var clientAddress: String?
    /// The request in progress (nil between requests).
    var request: GatewayRequest?
    /// A read was held (see `read(context:)`).
    var readHeld = false
    /// The one deadline running (monotonic nanoseconds; 0: none) and what it ends. The loop's
    /// sweep checks it (`checkDeadline`), so starting or stopping one is a store, not a timer:
    /// scheduling and cancelling NIO tasks for every request cost more than the rest of the
    /// connection's bookkeeping.
    var deadline: UInt64 = 0
    var deadlineKind: DeadlineKind = .idle
    /// The connection is closing (no more requests).
    var closing = false
    /// Reads requests from the client's bytes.
    var parser: ClientRequestParser
    /// Bytes read and not parsed yet: a partial head, or later requests waiting while an
    /// ended one is still being answered.
    var unparsed = ByteBuffer()
    /// `parseInput` is running (it is re-entered through `finish`).
    var parsing = false
    /// Monotonic nanoseconds of the event being handled: the read that brought the bytes
    /// `parseInput` works through, or the end of the response `finish` closes. What happens
    /// while handling it (a request's start, its deadlines, a body read) takes this time
    /// rather than reading the clock again: a read's requests are microseconds apart, and
    /// timeouts are seconds.
    var eventNanoseconds: UInt64 = 0
    /// Set between requests: the next bytes clear it and start the head deadline (so a
    /// slowloris client, a byte at a time, is cut off, while an idle keep-alive one is not).
    var firstByteArmed = false
    /// The response's head, and the body bytes that fit after it, not written yet: they go
    /// out as one write when the upstream's read is done (or the response ends). A small
    /// response is then one buffer through the pipeline and one `write(2)`, not a head and a
    /// body slice in a `writev(2)`.
    var heldResponse: ByteBuffer?

    /// Parts queued behind a pending decision or connection before reads are held.
    static let queueHighWater = 64 * 1024

    init(loop: GatewayLoopContext) {
        self.loop = loop
        parser = ClientRequestParser(
            maxHeadBytes: loop.configuration.limits.maxHeaderBytes, maxFields: loop.configuration.limits.maxHeaderCount)
    }

    // MARK: lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        clientAddress = context.channel.remoteAddress?.ipAddress
        loop.opened(self)
        awaitNextRequest()
    }

    func channelInactive(context: ChannelHandlerContext) {
        tearDown()
        context.fireChannelInactive()
    }

    /// A channel closed before it was ever active (draining or stopping can close one that
    /// was accepted but not yet registered) has no `channelInactive`: its books close here.
    func handlerRemoved(context: ChannelHandlerContext) {
        tearDown()
    }

    /// The connection is gone: its upstream exchange is abandoned and it leaves the loop's
    /// books (once, from whichever of `channelInactive` and `handlerRemoved` comes first).
    private func tearDown() {
        guard context != nil else { return }
        closing = true
        cancelDeadlines()
        if let request, let upstream = request.upstream {
            // The client went away mid-exchange: the upstream connection is in an unknown
            // state, so it is closed, not pooled.
            upstream.handler.exchange = nil
            upstream.channel.close(promise: nil)
            request.upstream = nil
        }
        request = nil
        unparsed = ByteBuffer()
        loop.closed(self)
        self.context = nil
    }

    /// SIGTERM: a busy connection closes after its response; an idle one after the drain
    /// grace, unless a request arrives in it (then after that request's response).
    func drain() {
        guard context != nil, !closing else { return }
        if let request {
            request.closeAfterResponse = true
        } else {
            shortenIdleDeadlineForDrain()
        }
    }

    // MARK: client input

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        eventNanoseconds = MonotonicClock.now()
        if firstByteArmed {
            firstByteArmed = false
            firstByteArrived()
        }
        var bytes = unwrapInboundIn(data)
        if unparsed.readableBytes == 0 {
            // The common case: parsed where it was read, no copy.
            unparsed = bytes
        } else {
            // A partial head or waiting requests: only the unparsed bytes are copied (appending
            // to a buffer whose storage body slices still share would copy all of it).
            var joined = context.channel.allocator.buffer(capacity: unparsed.readableBytes + bytes.readableBytes)
            joined.writeBuffer(&unparsed)
            joined.writeBuffer(&bytes)
            unparsed = joined
        }
        parseInput(context: context)
    }

    /// Parses and handles what was read, request by request: it stops at a request that has
    /// ended but is not answered yet, whose `finish` calls this again.
    func parseInput(context: ChannelHandlerContext) {
        guard !parsing else { return }
        parsing = true
        defer { parsing = false }
        while !closing, request?.requestEnded != true {
            let event: ClientRequestEvent?
            do {
                event = try parser.next(&unparsed)
            } catch {
                parseFailed(error, context: context)
                return
            }
            guard let event else { break }
            switch event {
            case .head(let head): receivedHead(head, context: context)
            case .body(let buffer): receivedBody(buffer, context: context)
            case .end: receivedEnd(context: context)
            }
        }
    }

    private func receivedHead(_ head: ClientRequestHead, context: ChannelHandlerContext) {
        cancelDeadlines()
        firstByteArmed = false
        let request = GatewayRequest(head: head, policy: loop.policy, started: eventNanoseconds)
        self.request = request
        if loop.draining { request.closeAfterResponse = true }
        if head.framing != .none { armBodyDeadline(from: eventNanoseconds) }
        if let coding = head.unsupportedTransferCoding {
            request.detail = "Transfer-Encoding \(coding.debugDescription) is not supported"
            request.closeAfterResponse = true
            respond(.error(.notImplemented, .unsupportedTransferCoding), to: request, context: context)
            return
        }
        if request.buffersBody {
            request.bufferedBody = context.channel.allocator.buffer(capacity: 0)
            return
        }
        decide(request, context: context)
    }

    private func receivedBody(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        guard let request else { return }
        request.bodyBytes += buffer.readableBytes
        request.lastRead = eventNanoseconds
        if deadlineKind == .body && deadline != 0 { deadline = request.lastRead &+ loop.bodyIdleNanoseconds }
        if request.bufferedBody != nil && request.outcome.isPending {
            guard request.bodyBytes <= loop.configuration.limits.maxBodyBytes else {
                request.bufferedBody = nil
                request.closeAfterResponse = true
                respond(.error(.payloadTooLarge, .bodyTooLarge), to: request, context: context)
                return
            }
            var copy = buffer
            request.bufferedBody?.writeBuffer(&copy)
            return
        }
        if let upstream = request.upstream, request.outcome.isAllowed {
            request.bodyForwarded = true
            UpstreamBodyFraming.write(buffer, chunked: request.upstreamChunked, to: upstream.handler)
            upstream.handler.flush()
        } else if request.outcome.isPending || request.outcome.isAllowed {
            request.queued.append(.body(buffer))
            request.queuedBytes += buffer.readableBytes
        } else if request.bodyBytes > Self.discardLimit {
            // Answered already; a long body is not worth reading to keep the connection.
            request.closeAfterResponse = true
            if request.localResponseWritten || request.upstreamResponseEnded { close(context) }
        }
    }

    /// The most body bytes read and dropped after a local answer to keep the connection open.
    static let discardLimit = 1 << 20

    private func receivedEnd(context: ChannelHandlerContext) {
        guard let request else { return }
        request.requestEnded = true
        if deadlineKind == .body { deadline = 0 }
        if request.bufferedBody != nil && request.outcome.isPending {
            decide(request, context: context)
            return
        }
        if let upstream = request.upstream, request.outcome.isAllowed {
            sendRequestEnd(upstream, request: request)
        } else if request.outcome.isPending || request.outcome.isAllowed {
            request.queued.append(.end)
        } else if request.localResponseWritten {
            // A local answer already written in full: the exchange is complete.
            finish(request, context: context)
        }
    }

    func read(context: ChannelHandlerContext) {
        // Pipelined input waits for its turn: reading on would only add to it.
        if pipelinedInputWaits {
            readHeld = true
            return
        }
        // Once the request has ended, what is read next is a later request, which waits as
        // bytes whatever the upstream's state: only a body in progress looks at the upstream.
        if let request, !request.requestEnded {
            let upstreamFull = request.upstream.map { !$0.channel.isWritable } ?? false
            if upstreamFull || request.queuedBytes >= Self.queueHighWater {
                readHeld = true
                return
            }
        }
        context.read()
    }

    /// Bytes of later requests wait while an ended request is still being answered.
    private var pipelinedInputWaits: Bool { request?.requestEnded == true && unparsed.readableBytes > 0 }

    /// Lets a held read through once the reason for holding it is gone.
    func resumeClientReads() {
        guard readHeld, !pipelinedInputWaits, let context else { return }
        readHeld = false
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        // Response backpressure: the upstream's reads stop while the client cannot take more,
        // and go on once it can.
        if let upstream = request?.upstream { upstream.handler.pauseReads(!context.channel.isWritable) }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        close(context)
    }

    /// Malformed input: 400 (431 for oversized headers), then close; a connection whose
    /// response has started just closes.
    private func parseFailed(_ error: ClientRequestError, context: ChannelHandlerContext) {
        guard request?.responseStarted != true else {
            close(context)
            return
        }
        let oversized = error.tooLarge
        let response = LocalResponse.error(
            oversized ? .requestHeaderFieldsTooLarge : .badRequest, oversized ? .headersTooLarge : .badRequest)
        let request =
            self.request
            ?? GatewayRequest(head: .placeholder, policy: loop.policy, started: MonotonicClock.now())
        self.request = request
        request.detail = error.description
        request.closeAfterResponse = true
        request.requestEnded = true
        respond(response, to: request, context: context)
    }

    // MARK: deciding

    private func decide(_ request: GatewayRequest, context: ChannelHandlerContext) {
        let validationRequest = request.validationRequest()
        if let body = request.bufferedBody {
            // Read in full to find the token: forwarded as it came once allowed.
            request.bufferedBody = nil
            if body.readableBytes > 0 { request.queued.append(.body(body)) }
            if request.requestEnded { request.queued.append(.end) }
        }
        let now = loop.now()
        let policy = request.policy
        if policy.mayBlock {
            // A `none` or `ttl` key cache may fetch on this call: never on an event loop.
            loop.threadPool.runIfActive(eventLoop: context.eventLoop) { () -> (RequestDecision, Int64) in
                let start = MonotonicClock.now()
                let decision = policy.decision(for: validationRequest, now: now)
                return (decision, Int64(MonotonicClock.now() - start))
            }.assumeIsolated().whenComplete { [self] result in
                guard self.request === request, let context = self.context else { return }
                switch result {
                case .success(let (decision, nanoseconds)): decided(decision, nanoseconds: nanoseconds, request, context: context)
                case .failure: respond(.error(.serviceUnavailable, .draining), to: request, context: context)
                }
            }
            return
        }
        let start = MonotonicClock.now()
        let decision = policy.decision(for: validationRequest, now: now)
        decided(decision, nanoseconds: Int64(MonotonicClock.now() - start), request, context: context)
    }

    private func decided(_ decision: RequestDecision, nanoseconds: Int64, _ request: GatewayRequest, context: ChannelHandlerContext) {
        request.validationNanoseconds = nanoseconds
        loop.metrics.recordValidation(nanoseconds: nanoseconds)
        switch decision {
        case .deny(let denial):
            request.outcome = .denied(denial.reason)
            request.detail = denial.detail
            // What was queued is the body of a denied request: never forwarded.
            request.queued.removeAll()
            request.queuedBytes = 0
            if !request.requestEnded && request.bodyBytes > Self.discardLimit { request.closeAfterResponse = true }
            respond(.denial(denial), to: request, context: context)
            resumeClientReads()
        case .allow(let tokens):
            request.outcome = .allowed
            let claims = ClaimHeaderValues.values(for: request.policy.claimHeaders, from: tokens)
            connect(request, claims: claims, context: context)
        }
    }

    // MARK: local responses and the end of an exchange

    /// Writes a response of the gateway's own. The exchange finishes with it when the request
    /// has ended (or the connection is to close); otherwise when the request's end arrives,
    /// the rest of its body read and dropped (up to `discardLimit`).
    func respond(_ response: LocalResponse, to request: GatewayRequest, context: ChannelHandlerContext) {
        guard !request.responseStarted else {
            close(context)
            return
        }
        if let error = ProxyError(rawValue: response.reason), !request.outcome.isDenied { request.outcome = .proxyError(error) }
        request.responseStarted = true
        request.status = response.status.code
        let keepAlive = request.keepAlive && !request.closeAfterResponse && !loop.draining
        if !keepAlive { request.closeAfterResponse = true }
        let bytes = response.bytes(
            version: request.head.version, keepAlive: keepAlive, withBody: request.head.method != .HEAD,
            allocator: context.channel.allocator)
        context.write(wrapOutboundOut(bytes), promise: nil)
        if request.requestEnded || request.closeAfterResponse {
            finish(request, context: context, end: .unflushed)
        } else {
            request.localResponseWritten = true
            context.flush()
            armBodyDeadline()
        }
    }

    /// Whether the response's last bytes still have to be flushed when its exchange finishes.
    enum ResponseEnd {
        /// They are out already.
        case written
        /// Written, not flushed (the response's bytes carry their own end).
        case unflushed
    }

    /// The exchange is over: its books are closed here, before the response's end is written
    /// (`end`: how it goes out), so that a client holding the response has its request
    /// counted. The upstream connection goes back to the pool (or is closed), the request is
    /// logged, and the connection takes the next (pipelined) request, waits for one, or
    /// closes once the end is out.
    func finish(_ request: GatewayRequest, context: ChannelHandlerContext, end: ResponseEnd = .written) {
        guard self.request === request else { return }
        self.request = nil
        writeHeldResponse(context)
        cancelDeadlines()
        let now = MonotonicClock.now()
        eventNanoseconds = now
        if let upstream = request.upstream {
            request.upstream = nil
            if request.upstreamResponseEnded && request.upstreamRequestEnded {
                loop.pool.release(upstream)
            } else {
                upstream.handler.exchange = nil
                upstream.channel.close(promise: nil)
            }
        }
        record(request, now: now)
        let closeAfter = request.closeAfterResponse || !request.requestEnded || loop.draining
        let written: EventLoopFuture<Void>?
        switch end {
        case .written:
            written = nil
        case .unflushed:
            if closeAfter {
                // The close waits for the bytes to be out.
                written = context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)))
            } else {
                context.flush()
                written = nil
            }
        }
        if closeAfter {
            if let written {
                closing = true
                written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            } else {
                close(context)
            }
            return
        }
        awaitNextRequest(from: now)
        parseInput(context: context)
        resumeClientReads()
    }

    func close(_ context: ChannelHandlerContext) {
        guard !closing else { return }
        closing = true
        cancelDeadlines()
        context.close(promise: nil)
    }

    private func record(_ request: GatewayRequest, now: UInt64) {
        let elapsed = Int64(now &- request.started)
        loop.metrics.recordRequest(nanoseconds: elapsed)
        let decision: String
        var reason = ""
        switch request.outcome {
        case .allowed:
            decision = "allow"
            loop.metrics.recordAllowed()
        case .denied(let code):
            decision = "deny"
            reason = code.rawValue
            loop.metrics.recordDenied(code)
        case .proxyError(let error):
            decision = "error"
            reason = error.rawValue
            loop.metrics.recordProxyError(error)
        case .pending:
            decision = "error"
        }
        guard let log = loop.accessLog else { return }
        var metadata: Logger.Metadata = [
            "client": .string(clientAddress ?? "-"), "method": .string(request.head.method.rawValue),
            "path": .string(request.head.uri), "status": .stringConvertible(Int(request.status)), "decision": .string(decision),
            "duration_us": .stringConvertible(Int(elapsed / 1000)),
            "validation_us": .stringConvertible(Double(request.validationNanoseconds) / 1000),
            "request_bytes": .stringConvertible(request.bodyBytes),
        ]
        if !reason.isEmpty { metadata["reason"] = .string(reason) }
        if let detail = request.detail { metadata["detail"] = .string(detail) }
        log.info("request", metadata: metadata)
    }

}

extension GatewayRequest.Outcome {
    var isPending: Bool { if case .pending = self { true } else { false } }
    var isAllowed: Bool { if case .allowed = self { true } else { false } }
    var isDenied: Bool { if case .denied = self { true } else { false } }
}
