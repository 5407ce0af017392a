import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import Gateway

/// The request as the upstream receives it. The gateway writes the upstream's head and the
/// body's framing as bytes itself (no HTTP encoder on the upstream side), so these read what
/// arrives: the head less hop-by-hop fields with the forwarding fields added, a chunked body
/// chunked again, a `Content-Length` body as it came.
@Suite(.serialized) struct GatewayRequestForwardingTests {
    static var bearer: String { "Bearer \(GatewayRobustnessTests.token)" }

    /// Sends `request` through a gateway to a recording upstream; the client's response and
    /// what the upstream recorded.
    static func forward(_ request: String) async throws -> (WireClient.Response?, [RecordingUpstream.Received]) {
        let upstream = try RecordingUpstream()
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(upstream: upstream.url)
        let response = try await GatewayFixture.send(port: gateway.port, Array(request.utf8))
        await gateway.stop()
        return (response, upstream.requests)
    }

    @Test func aChunkedBodyArrivesChunkedWithItsBytes() async throws {
        let (response, arrived) = try await Self.forward(
            "POST /up HTTP/1.1\r\nHost: gateway.test\r\nAuthorization: \(Self.bearer)\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n")
        #expect(response?.status == 200)
        #expect(arrived.count == 1)
        #expect(arrived.first?.header("Transfer-Encoding") == ["chunked"])
        #expect(arrived.first?.header("Content-Length") == [])
        #expect(arrived.first.map { String(decoding: $0.body, as: UTF8.self) } == "hello world")
    }

    @Test func aContentLengthBodyArrivesAsItCame() async throws {
        let (response, arrived) = try await Self.forward(
            "PUT /up?q=1 HTTP/1.1\r\nHost: gateway.test\r\nAuthorization: \(Self.bearer)\r\nContent-Length: 11\r\n\r\nhello world")
        #expect(response?.status == 200)
        #expect(arrived.first?.method == "PUT")
        #expect(arrived.first?.uri == "/up?q=1")
        #expect(arrived.first?.header("Content-Length") == ["11"])
        #expect(arrived.first?.header("Transfer-Encoding") == [])
        #expect(arrived.first.map { String(decoding: $0.body, as: UTF8.self) } == "hello world")
    }

    @Test func earlierHopsOfXForwardedForComeFirstInOneField() async throws {
        let (_, arrived) = try await Self.forward(
            "GET / HTTP/1.1\r\nHost: gateway.test\r\nX-Forwarded-For: 198.51.100.7\r\nAuthorization: \(Self.bearer)\r\n"
                + "X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.test\r\n\r\n")
        #expect(arrived.first?.header("X-Forwarded-For") == ["198.51.100.7, 203.0.113.9, 127.0.0.1"])
        #expect(arrived.first?.header("X-Forwarded-Proto") == ["http"])
        #expect(arrived.first?.header("X-Forwarded-Host") == ["gateway.test"])
    }

    /// A transfer coding beside chunked (`gzip, chunked`): the gateway would take the chunking
    /// off and could not say the body is still gzip-coded, so the request is refused with 501
    /// (RFC 9112 section 6.1) and never forwarded, and the connection closes.
    @Test(arguments: ["gzip, chunked", "x-custom,chunked", "gzip\r\nTransfer-Encoding: chunked"])
    func aTransferCodingOtherThanChunkedIs501(_ codings: String) async throws {
        let (response, arrived) = try await Self.forward(
            "POST /up HTTP/1.1\r\nHost: gateway.test\r\nAuthorization: \(Self.bearer)\r\nTransfer-Encoding: \(codings)\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n")
        #expect(response?.status == 501)
        #expect(response?.header("Connection") == "close")
        #expect(response.map { String(decoding: $0.body, as: UTF8.self) }?.contains("unsupported_transfer_coding") == true)
        #expect(arrived.isEmpty)
    }

    /// Requests whose framing or head two parsers could read differently (how requests are
    /// smuggled past a proxy), or that break RFC 9112's rules for a request's head, are
    /// answered 400, and nothing of them reaches the upstream.
    @Test(arguments: [
        "POST /up HTTP/1.1\r\nHost: gateway.test\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST /up HTTP/1.1\r\nHost: gateway.test\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        "POST /up HTTP/1.1\r\nHost: gateway.test\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
        "POST /up HTTP/1.0\r\nHost: gateway.test\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "GET /up HTTP/1.1\nHost: gateway.test\r\n\r\n",
        "GET /up HTTP/1.1\r\nHost: gateway.test\r\nX: 1\r\n folded\r\n\r\n",
        "GET /up HTTP/1.1\r\nHost : gateway.test\r\n\r\n",
        "GET /up HTTP/1.1\r\nAuthorization: x\r\n\r\n",
        "GET /up HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "CONNECT gateway.test:443 HTTP/1.1\r\nHost: gateway.test:443\r\n\r\n",
    ])
    func ambiguousRequestsAre400AndNeverForwarded(_ raw: String) async throws {
        let upstream = try RecordingUpstream()
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(upstream: upstream.url)
        let response = try await GatewayFixture.send(port: gateway.port, Array(raw.utf8))
        #expect(response?.status == 400, "\(raw.debugDescription)")
        #expect(response?.text.contains("bad_request") == true)
        await gateway.stop()
        #expect(upstream.requests.isEmpty)
    }

    /// The head's bytes exactly: the prefix before the target, hop-by-hop fields and those
    /// `Connection` names dropped, a claim-header name the client sent dropped, the chunking
    /// restated once, `Host` kept, the forwarding fields and the claim headers last.
    @Test func theUpstreamHeadIsWrittenByteForByte() throws {
        let head = try ClientRequestParser.parseHead(
            ByteBuffer(
                string: "POST /items?x=1 HTTP/1.1\r\nHost: gateway.test\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\n"
                    + "Keep-Alive: timeout=5\r\nx-user: forged\r\nTransfer-Encoding: chunked\r\nAccept:  */* \r\nTE: trailers\r\n\r\n"),
            maxFields: 100)
        var bytes = ByteBuffer()
        let chunked = ProxyHeaders.writeUpstreamRequest(
            head, target: try UpstreamTarget(url: "http://127.0.0.1:9/base/"), clientAddress: "192.0.2.1",
            claimHeaders: [("X-User", "alice")], strippedNames: [Array("x-user".utf8)], into: &bytes)
        #expect(chunked)
        #expect(
            String(buffer: bytes)
                == "POST /base/items?x=1 HTTP/1.1\r\nHost: gateway.test\r\nAccept: */*\r\nTransfer-Encoding: chunked\r\n"
                + "X-Forwarded-For: 192.0.2.1\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Host: gateway.test\r\nX-User: alice\r\n\r\n")
    }

    @Test func aClientWithoutHostGetsTheUpstreamsAndNoForwardedHost() throws {
        let head = try ClientRequestParser.parseHead(ByteBuffer(string: "GET / HTTP/1.0\r\n\r\n"), maxFields: 100)
        var bytes = ByteBuffer()
        let chunked = ProxyHeaders.writeUpstreamRequest(
            head, target: try UpstreamTarget(url: "http://127.0.0.1:9"), clientAddress: nil, claimHeaders: [],
            strippedNames: [], into: &bytes)
        #expect(!chunked)
        #expect(String(buffer: bytes) == "GET / HTTP/1.1\r\nHost: 127.0.0.1:9\r\nX-Forwarded-Proto: http\r\n\r\n")
    }
}
