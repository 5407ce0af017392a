import Measurement
import NIOCore

/// What a connection's running deadline ends.
enum DeadlineKind {
    /// Between requests: the keep-alive idle time; the connection closes quietly.
    case idle
    /// From a request's first byte to its complete head: 408 and close (slowloris).
    case head
    /// A pause while reading a request body: 408 (or close, once answered).
    case body
    /// From the request's end to the upstream's response head: 504.
    case upstream
}

extension GatewayConnectionHandler {
    /// Starts the `kind` deadline, `nanoseconds` after `now` (monotonic).
    func setDeadline(_ kind: DeadlineKind, after nanoseconds: UInt64, from now: UInt64 = MonotonicClock.now()) {
        deadlineKind = kind
        deadline = now &+ nanoseconds
    }

    func cancelDeadlines() { deadline = 0 }

    /// Between requests: the keep-alive idle deadline runs (the drain grace while draining);
    /// the first byte of the next request (`firstByteArrived`) switches to the head deadline.
    func awaitNextRequest(from now: UInt64 = MonotonicClock.now()) {
        guard context != nil, !closing else { return }
        setDeadline(.idle, after: loop.draining ? loop.drainIdleGraceNanoseconds : loop.keepAliveIdleNanoseconds, from: now)
        firstByteArmed = true
    }

    /// Draining began while idle: the idle deadline is cut to the drain grace.
    func shortenIdleDeadlineForDrain() {
        guard deadlineKind == .idle, deadline != 0 else { return }
        deadline = min(deadline, MonotonicClock.now() &+ loop.drainIdleGraceNanoseconds)
    }

    /// The first byte of a request: its head must be complete within the head timeout.
    func firstByteArrived() {
        guard request == nil, !closing else { return }
        setDeadline(.head, after: loop.requestHeaderNanoseconds, from: eventNanoseconds)
    }

    /// While a body is read (or dropped after an early answer): fires after the body idle
    /// time without a read.
    func armBodyDeadline(from now: UInt64 = MonotonicClock.now()) {
        setDeadline(.body, after: loop.bodyIdleNanoseconds, from: now)
    }

    /// Called by the loop's sweep: acts on a deadline that has passed.
    func checkDeadline(now: UInt64) {
        guard deadline != 0, now >= deadline, let context, !closing else { return }
        deadline = 0
        switch deadlineKind {
        case .idle:
            if request == nil { close(context) }
        case .head:
            guard request == nil else { return }
            // A head that did not arrive in time: 408, then close (RFC 9110 section 15.5.9).
            closing = true
            loop.metrics.recordProxyError(.requestTimeout)
            let response = LocalResponse.error(.requestTimeout, .requestTimeout).bytes(
                version: .http1_1, keepAlive: false, withBody: true, allocator: context.channel.allocator)
            context.writeAndFlush(wrapOutboundOut(response)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        case .body:
            guard let request, !request.requestEnded else { return }
            request.closeAfterResponse = true
            if request.responseStarted {
                close(context)
            } else {
                respond(.error(.requestTimeout, .requestTimeout), to: request, context: context)
            }
        case .upstream:
            guard let request, !request.responseStarted else { return }
            loop.metrics.recordUpstreamError(.timeout)
            request.detail = "upstream: no response within \(loop.configuration.timeouts.upstreamResponse)"
            dropUpstream(request)
            request.closeAfterResponse = !request.requestEnded
            respond(.error(.gatewayTimeout, .upstreamTimeout), to: request, context: context)
        }
    }
}
