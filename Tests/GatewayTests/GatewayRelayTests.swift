import Foundation
import Gateway
import Testing

/// The upstream's responses as the client receives them: relayed as bytes (not decoded and
/// encoded again), so these read what arrives byte for byte: the head less hop-by-hop fields,
/// chunked bodies as they came or de-chunked for HTTP/1.0, bodies delimited by the close,
/// interim responses dropped, HEAD answered without a body, and a connection that stays in
/// step with its requests.
@Suite(.serialized) struct GatewayRelayTests {
    static var bearer: (String, String) { GatewayRobustnessTests.bearer }
    static var token: String { GatewayRobustnessTests.token }

    static func get(_ uri: String, http10: Bool = false, method: String = "GET", token: Bool = true) -> [UInt8] {
        var text = "\(method) \(uri) HTTP/1.\(http10 ? 0 : 1)\r\nHost: gateway.test\r\n"
        if token { text += "Authorization: Bearer \(Self.token)\r\n" }
        return Array((text + "\r\n").utf8)
    }

    /// Sends `request` on a new connection and reads until the gateway closes it.
    static func exchange(port: Int, _ request: [UInt8]) async throws -> (text: String, closed: Bool) {
        try await WireClient.onThread {
            let client = try WireClient(port: port, receiveTimeout: 5)
            try client.send(request)
            let (bytes, closed) = client.bytesUntilClose()
            return (String(decoding: bytes, as: UTF8.self), closed)
        }
    }

    /// What a client receives for one GET through the gateway when the upstream answers with
    /// `upstreamBytes`, read until `marker` has arrived.
    static func relayed(_ upstreamBytes: String, through marker: String) async throws -> String {
        let upstream = try RecordingUpstream(.raw(Array(upstreamBytes.utf8)))
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(upstream: upstream.url)
        let port = gateway.port
        let received = try await WireClient.onThread { () -> String in
            let client = try WireClient(port: port, receiveTimeout: 5)
            try client.send(Self.get("/"))
            return String(decoding: client.bytes(through: Array(marker.utf8)) ?? [], as: UTF8.self)
        }
        await gateway.stop()
        return received
    }

    @Test func theHeadArrivesByteForByteLessHopByHopFields() async throws {
        let raw =
            "HTTP/1.1 200 Fine\r\nServer: origin\r\nConnection: keep-alive, X-Hop\r\nKeep-Alive: timeout=5\r\nX-Hop: 1\r\n"
            + "X-Odd:  spaced value \r\nContent-Length: 2\r\n\r\nok"
        let received = try await Self.relayed(raw, through: "ok")
        #expect(received == "HTTP/1.1 200 Fine\r\nServer: origin\r\nX-Odd:  spaced value \r\nContent-Length: 2\r\n\r\nok")
    }

    /// A response's head and the body bytes that fit after it go to the client as one write
    /// (`GatewayConnectionHandler.heldResponse`): whatever the body's size and however the
    /// upstream's reads split it, the client gets the response byte for byte.
    @Test(arguments: [0, 1, 4095, 4096, 4097, 70_000])
    func aFixedLengthBodyArrivesWholeHoweverTheUpstreamSplitsIt(length: Int) async throws {
        let body = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        let fields = "X-Length: \(length)\r\nContent-Length: \(length)\r\n\r\n"
        // `Connection: close` (hop-by-hop, so not passed on) keeps each upstream connection to
        // one response: the recorder writes these bytes past NIO's server pipeline, which
        // would hold a second request on the same connection.
        let upstreamHead = Array("HTTP/1.1 200 OK\r\nConnection: close\r\n\(fields)".utf8)
        let head = Array("HTTP/1.1 200 OK\r\n\(fields)".utf8)
        let third = length / 3
        let splits: [[[UInt8]]] = [
            [upstreamHead + body],
            [upstreamHead, body],
            [upstreamHead + body.prefix(third), Array(body[third..<2 * third]), Array(body.suffix(from: 2 * third))],
        ]
        for pieces in splits {
            let upstream = try RecordingUpstream(.rawPieces(pieces.filter { !$0.isEmpty }, gap: .milliseconds(20)))
            let gateway = try await GatewayFixture.start(upstream: upstream.url)
            let port = gateway.port
            let expected = head + body
            // Two requests on one connection: the second response follows the first exactly.
            let received = try await WireClient.onThread { () -> [UInt8] in
                let client = try WireClient(port: port, receiveTimeout: 5)
                var all: [UInt8] = []
                for _ in 0..<2 {
                    try client.send(Self.get("/"))
                    all += client.bytes(count: expected.count) ?? []
                }
                return all
            }
            await gateway.stop()
            upstream.stop()
            let same = received == expected + expected
            #expect(same, "\(pieces.count) pieces, \(length) body bytes: received \(received.count) of \(2 * expected.count) bytes")
        }
    }

    @Test func aChunkedBodyPassesAsItCameTrailersIncluded() async throws {
        let body = "5;note=x\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 11\r\n\r\n"
        let received = try await Self.relayed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body, through: "X-Sum: 11\r\n\r\n")
        #expect(received == "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
    }

    @Test func aCodingAfterChunkedMakesABodyDelimitedByTheClose() async throws {
        // RFC 9112 section 6.3 (and llhttp): read to the close, which the client then gets too.
        let raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n1\r\nx\r\n0\r\n\r\n"
        let upstream = try RecordingUpstream(.rawThenClose(Array(raw.utf8)))
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(upstream: upstream.url)
        let (text, closed) = try await Self.exchange(port: gateway.port, Self.get("/"))
        #expect(text == "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n1\r\nx\r\n0\r\n\r\n")
        #expect(closed)
        await gateway.stop()
    }

    @Test func anHTTP10ClientGetsAChunkedBodyDechunkedThenTheClose() async throws {
        let raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Up: 1\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        let upstream = try RecordingUpstream(.raw(Array(raw.utf8)))
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(upstream: upstream.url)
        let (text, closed) = try await Self.exchange(port: gateway.port, Self.get("/", http10: true))
        #expect(text == "HTTP/1.0 200 OK\r\nX-Up: 1\r\nConnection: close\r\n\r\nhello world")
        #expect(closed)
        await gateway.stop()
    }

    @Test func aBodyDelimitedByTheUpstreamsCloseEndsWithTheClientsClose() async throws {
        let upstream = try RecordingUpstream(.rawThenClose(Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it".utf8)))
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(upstream: upstream.url)
        let (text, closed) = try await Self.exchange(port: gateway.port, Self.get("/"))
        #expect(text == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nall of it")
        #expect(closed)
        await gateway.stop()
    }

    @Test func interimResponsesAreNotPassedOn() async throws {
        let raw =
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"
        let upstream = try RecordingUpstream(.raw(Array(raw.utf8)))
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(upstream: upstream.url)
        let response = try await GatewayFixture.send(port: gateway.port, Self.get("/"))
        #expect(response?.status == 201)
        #expect(response?.text == "ok")
        await gateway.stop()
    }

    /// NIOHTTP1's response encoder learns each request's method from the decoder, to leave
    /// the body out of answers to HEAD; a relayed response bypasses the encoder, so a paired
    /// encoder would answer the next request with the previous one's method (and keep one
    /// queued method per relayed request for the connection's life). The gateway's encoder is
    /// unpaired, and it leaves the body out of its own answers to HEAD itself.
    @Test func headRequestsGetNoBodyAndTheConnectionStaysInStep() async throws {
        let upstream = try RecordingUpstream()
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(upstream: upstream.url)
        let port = gateway.port
        let results = try await WireClient.onThread { () -> [WireClient.Response?] in
            let client = try WireClient(port: port, receiveTimeout: 5)
            var responses: [WireClient.Response?] = []
            try client.send(Self.get("/allowed-head", method: "HEAD"))
            responses.append(client.response(bodiless: true))
            try client.send(Self.get("/denied-get", token: false))
            responses.append(client.response())
            try client.send(Self.get("/denied-head", method: "HEAD", token: false))
            responses.append(client.response(bodiless: true))
            try client.send(Self.get("/allowed-get"))
            responses.append(client.response())
            return responses
        }
        #expect(results.map { $0?.status } == [200, 401, 401, 200])
        #expect(results[0]?.header("X-Upstream") == "recording")
        #expect(results[1]?.text.contains("token_missing") == true, "\(String(describing: results[1]?.text))")
        #expect(results[3]?.text == "upstream saw GET /allowed-get (0 body bytes)\n")
        #expect(upstream.requests.map(\.uri) == ["/allowed-head", "/allowed-get"])
        await gateway.stop()
    }

    @Test func bytesAfterAResponsesEndKeepThatConnectionOutOfThePool() async throws {
        let upstream = try RecordingUpstream(.raw(Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokJUNK".utf8)))
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(upstream: upstream.url)
        for _ in 0..<2 {
            let response = try await GatewayFixture.send(port: gateway.port, Self.get("/"))
            #expect(response?.status == 200)
            #expect(response?.text == "ok")
        }
        #expect(upstream.connections == 2)
        await gateway.stop()
    }
}
