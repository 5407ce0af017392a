import JWTValidation
import NIOCore
import NIOHTTP1

/// A response the gateway writes itself: a denial, or a proxy error.
struct LocalResponse {
    var status: HTTPResponseStatus
    /// The `WWW-Authenticate` challenge of a denial.
    var challenge: String?
    var body: String
    /// For the access log and metrics: the reason code, or the proxy error's name.
    var reason: String

    /// A denied request: 401 or 403 as the reason code says, `WWW-Authenticate` per RFC 6750,
    /// and `{"decision":"deny","reason":...,"http_status":...}`. The detail stays in the access
    /// log: it can say which header held what, which is the operator's business, not the client's.
    static func denial(_ denial: Denial) -> LocalResponse {
        let status = denial.httpStatus
        return LocalResponse(
            status: HTTPResponseStatus(statusCode: status), challenge: denial.reason.wwwAuthenticate,
            body: "{\"decision\":\"deny\",\"reason\":\"\(denial.reason.rawValue)\",\"http_status\":\(status)}\n",
            reason: denial.reason.rawValue)
    }

    /// A proxy error: `{"error":"upstream_unreachable","http_status":502}`.
    static func error(_ status: HTTPResponseStatus, _ name: ProxyError) -> LocalResponse {
        LocalResponse(
            status: status, challenge: nil, body: "{\"error\":\"\(name.rawValue)\",\"http_status\":\(status.code)}\n",
            reason: name.rawValue)
    }

    /// The response as bytes: the status line, `WWW-Authenticate` for a denial, a JSON
    /// content type, the length, `no-store`, the connection's fate (`Connection: close` when
    /// closing, `keep-alive` for an HTTP/1.0 client kept open), then the body unless the
    /// request was HEAD (its `Content-Length` is still the body it would have). Written as
    /// bytes, as relayed responses are: no HTTP encoder sits in the client's pipeline.
    func bytes(version: HTTPVersion, keepAlive: Bool, withBody: Bool, allocator: ByteBufferAllocator) -> ByteBuffer {
        var out = allocator.buffer(capacity: 192 + (challenge?.utf8.count ?? 0) + body.utf8.count)
        out.writeStaticString(version.minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ")
        out.writeString(String(status.code))
        out.writeStaticString(" ")
        out.writeString(status.reasonPhrase)
        out.writeStaticString("\r\n")
        if let challenge {
            out.writeStaticString("WWW-Authenticate: ")
            out.writeString(challenge)
            out.writeStaticString("\r\n")
        }
        out.writeStaticString("Content-Type: application/json\r\nContent-Length: ")
        out.writeString(String(body.utf8.count))
        out.writeStaticString("\r\nCache-Control: no-store\r\n")
        if !keepAlive {
            out.writeStaticString("Connection: close\r\n")
        } else if version.minor == 0 {
            out.writeStaticString("Connection: keep-alive\r\n")
        }
        out.writeStaticString("\r\n")
        if withBody { out.writeString(body) }
        return out
    }
}

/// The proxy errors a client can see, by the status they come with.
enum ProxyError: String, CaseIterable {
    /// 400: the request could not be parsed.
    case badRequest = "bad_request"
    /// 408: the request head or body did not arrive in time.
    case requestTimeout = "request_timeout"
    /// 413: a body that must be read to find the token is over the limit.
    case bodyTooLarge = "body_too_large"
    /// 431: the request head is over the size or field-count limit.
    case headersTooLarge = "headers_too_large"
    /// 501: a transfer coding other than chunked (RFC 9112 section 6.1): the gateway takes the
    /// chunking off and could not tell the upstream the body is still coded.
    case unsupportedTransferCoding = "unsupported_transfer_coding"
    /// 502: no connection to the upstream, or it broke before the response.
    case upstreamUnreachable = "upstream_unreachable"
    /// 502: the upstream's response could not be parsed.
    case upstreamMalformed = "upstream_malformed_response"
    /// 504: the upstream did not answer in time.
    case upstreamTimeout = "upstream_timeout"
    /// 503: the gateway is shutting down.
    case draining = "shutting_down"
}
