import JWTValidation
import NIOCore
import NIOHTTP1

/// One request on a client connection, from its head to the end of its response.
final class GatewayRequest {
    let head: ClientRequestHead
    /// The policy in force when the head arrived (a reload does not change it mid-request).
    let policy: GatewayPolicy
    /// Monotonic nanoseconds at the head.
    let started: UInt64
    /// Whether the client wants the connection kept open after the response.
    let keepAlive: Bool
    /// The client sent the request's end.
    var requestEnded = false
    /// The body read before deciding (requests whose policy takes a token from the body).
    var bufferedBody: ByteBuffer?
    /// Parts read while the decision or the upstream connection is pending, in order.
    /// (An array, not a `CircularBuffer`: an empty array allocates nothing, and most requests
    /// queue nothing.)
    var queued: [QueuedPart] = []
    var queuedBytes = 0
    /// Body bytes received from the client.
    var bodyBytes = 0
    /// The upstream connection, once the request is allowed and connected.
    var upstream: UpstreamConnection?
    /// The head's bytes as sent to the upstream (kept for one retry on a new connection).
    var upstreamHead: ByteBuffer?
    /// The body goes to the upstream chunked (`UpstreamBodyFraming`).
    var upstreamChunked = false
    /// The request's end was written to the upstream.
    var upstreamRequestEnded = false
    /// Body bytes already written to the upstream (then the request cannot be retried).
    var bodyForwarded = false
    /// Retried once on a new connection after a reused one failed.
    var retried = false
    /// The response head was written to the client.
    var responseStarted = false
    /// A response of the gateway's own was written in full.
    var localResponseWritten = false
    /// The upstream's response ended.
    var upstreamResponseEnded = false
    /// The client must be disconnected after this response.
    var closeAfterResponse = false
    /// Monotonic nanoseconds of the last body read (the body idle timeout).
    var lastRead: UInt64
    /// For the access log and metrics.
    var outcome: Outcome = .pending
    var status: UInt = 0
    var validationNanoseconds: Int64 = 0
    var detail: String?

    /// A part of the request waiting to be forwarded.
    enum QueuedPart {
        case body(ByteBuffer)
        case end
    }

    enum Outcome {
        case pending
        case allowed
        case denied(ReasonCode)
        case proxyError(ProxyError)
    }

    init(head: ClientRequestHead, policy: GatewayPolicy, started: UInt64) {
        self.head = head
        self.policy = policy
        self.started = started
        keepAlive = head.keepAlive
        lastRead = started
    }

    /// What the validator sees: method, the header fields it reads (`validationHeaderNames`)
    /// in order, and the body when buffered.
    func validationRequest() -> HTTPRequest {
        var headers: [HTTPHeader] = []
        let names = policy.validationHeaderNames
        head.forEachField { name, value in
            guard names.contains(where: { HTTPSyntax.equal(name, $0) }) else { return }
            headers.append(HTTPHeader(String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        }
        let body = bufferedBody.map { Array($0.readableBytesView) } ?? []
        return HTTPRequest(method: head.method.rawValue, headers: headers, body: body)
    }

    /// About the size of the head as the client sent it (the upstream's head is sized from it).
    var headBytes: Int { head.bytes.readableBytes }

    /// Whether the body will be read before deciding: the policy takes a token from the body
    /// and the method is one a body token is allowed on (others are denied at the head).
    var buffersBody: Bool { policy.readsBody && TokenExtractor.bodyMethods.contains(head.method.rawValue) }
}
