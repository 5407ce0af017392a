import Foundation
import Gateway
import Testing

/// Hostile and broken peers: none may crash the gateway, hold it, or reach the upstream
/// unvalidated; each gets the status a proxy user expects.
@Suite(.serialized) struct GatewayRobustnessTests {
    static let token: String = {
        let text = (try? String(contentsOfFile: GatewayFixture.corpus + "/standard/tokens.txt", encoding: .utf8)) ?? ""
        let expectations = (try? String(contentsOfFile: GatewayFixture.corpus + "/standard/expected.jsonl", encoding: .utf8)) ?? ""
        let pairs = zip(text.split(separator: "\n"), expectations.split(separator: "\n"))
        return pairs.first { $0.1.contains("\"decision\":\"allow\"") && $0.1.contains("RS256") }.map { String($0.0) } ?? ""
    }()
    static var bearer: (String, String) { ("Authorization", "Bearer " + token) }

    /// A good request still gets through afterwards (the gateway is alive and serving).
    static func stillServes(_ gateway: Gateway) async throws {
        let response = try await GatewayFixture.send(
            port: gateway.port, GatewayFixture.wire(method: "GET", uri: "/after", headers: [bearer], body: []))
        #expect(response?.status == 200)
    }

    @Test func slowlorisIsAnswered408AndClosed() async throws {
        let upstream = try RecordingUpstream()
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(upstream: upstream.url) { $0.timeouts.requestHeader = .milliseconds(500) }
        let port = gateway.port
        let (status, closed) = try await WireClient.onThread { () -> (Int?, Bool) in
            let client = try WireClient(port: port, receiveTimeout: 5)
            try client.send("GET / HTTP/1.1\r\nHost: x\r\n")
            // A header byte now and then, never the end of the head.
            for _ in 0..<4 {
                Thread.sleep(forTimeInterval: 0.2)
                try? client.send("X")
            }
            let response = client.response()
            return (response?.status, client.isClosedByPeer())
        }
        #expect(status == 408)
        #expect(closed)
        #expect(upstream.requests.isEmpty)
        try await Self.stillServes(gateway)
        await gateway.stop()
    }

    @Test func aClientThatDisconnectsMidBodyLeavesNothingBehind() async throws {
        let upstream = try RecordingUpstream()
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(upstream: upstream.url)
        let port = gateway.port
        try await WireClient.onThread {
            let client = try WireClient(port: port)
            try client.send(
                "POST /upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(Self.token)\r\nContent-Length: 1000000\r\n\r\n")
            try client.send([UInt8](repeating: 0x62, count: 10_000))
        }  // the client is closed here, 990,000 bytes short
        try await Task.sleep(for: .milliseconds(300))
        #expect(await gateway.openConnections() == 0)
        // The upstream never saw a complete request.
        #expect(upstream.requests.isEmpty)
        try await Self.stillServes(gateway)
        await gateway.stop()
    }

    @Test func aFiftyMegabyteBodyStreamsThroughAndIsRefusedWhereItMustBeRead() async throws {
        let upstream = try RecordingUpstream()
        defer { upstream.stop() }
        let size = 50 * 1024 * 1024
        let chunk = [UInt8](repeating: 0x63, count: 1 << 20)
        // Header token: the body streams to the upstream unbuffered, all 50 MB of it.
        let gateway = try await GatewayFixture.start(upstream: upstream.url)
        let port = gateway.port
        let streamed = try await WireClient.onThread { () -> Int? in
            let client = try WireClient(port: port, receiveTimeout: 60)
            try client.send("PUT /big HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(Self.token)\r\nContent-Length: \(size)\r\n\r\n")
            for _ in 0..<(size / chunk.count) { try client.send(chunk) }
            return client.response()?.status
        }
        #expect(streamed == 200)
        #expect(upstream.totalBodyBytes == size)
        await gateway.stop()
        // Body token: the body must be read to decide, so over --max-body it is 413, never forwarded.
        let bodyGateway = try await GatewayFixture.start(policyPath: GatewayFixture.policyPath("body-token"), upstream: upstream.url)
        let bodyPort = bodyGateway.port
        let refused = try await WireClient.onThread { () -> (Int?, Bool) in
            let client = try WireClient(port: bodyPort, receiveTimeout: 30)
            try client.send("POST /big HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(size)\r\n\r\n")
            for _ in 0..<(size / chunk.count) {
                guard (try? client.send(chunk)) != nil else { break }  // the gateway may close first
            }
            let response = client.response()
            return (response?.status, response.map { $0.text.contains("body_too_large") } ?? false)
        }
        #expect(refused.0 == 413 && refused.1)
        #expect(upstream.requests.count == 1)
        await bodyGateway.stop()
    }

    @Test func tenThousandHeadersAre431() async throws {
        let upstream = try RecordingUpstream()
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(upstream: upstream.url)
        var request = "GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(Self.token)\r\n"
        for i in 0..<10_000 { request += "X-H\(i): v\r\n" }
        request += "\r\n"
        let response = try await GatewayFixture.send(port: gateway.port, Array(request.utf8))
        #expect(response?.status == 431)
        #expect(response?.header("Connection") == "close")
        // One long header over the size limit is 431 too.
        let long = "GET / HTTP/1.1\r\nHost: x\r\nX-Long: \(String(repeating: "a", count: 70_000))\r\n\r\n"
        #expect(try await GatewayFixture.send(port: gateway.port, Array(long.utf8))?.status == 431)
        // Garbage is 400.
        #expect(try await GatewayFixture.send(port: gateway.port, Array("NOT HTTP AT ALL\r\n\r\n".utf8))?.status == 400)
        #expect(upstream.requests.isEmpty)
        try await Self.stillServes(gateway)
        await gateway.stop()
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let upstream = try RecordingUpstream()
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(upstream: upstream.url)
        let port = gateway.port
        let statuses = try await WireClient.onThread { () -> [Int] in
            let client = try WireClient(port: port)
            var bytes: [UInt8] = []
            bytes += GatewayFixture.wire(method: "GET", uri: "/one", headers: [Self.bearer], body: [])
            bytes += GatewayFixture.wire(method: "GET", uri: "/two", headers: [], body: [])  // no token
            bytes += GatewayFixture.wire(method: "POST", uri: "/three", headers: [Self.bearer], body: Array("abc".utf8))
            try client.send(bytes)
            return (0..<3).map { _ in client.response().map { $0.status } ?? 0 }
        }
        #expect(statuses == [200, 401, 200])
        #expect(upstream.requests.map(\.uri) == ["/one", "/three"])
        #expect(upstream.requests.last?.body == Array("abc".utf8))
        // Each exchange was closed before the next was handed over: one upstream connection,
        // reused, and every request counted.
        #expect(upstream.connections == 1)
        let metrics = await GatewayFixture.metrics(
            of: gateway,
            containing: [
                "jwtbench_gateway_requests_total{decision=\"allow\",reason=\"\"} 2",
                "jwtbench_gateway_requests_total{decision=\"deny\",reason=\"token_missing\"} 1",
            ])
        #expect(metrics.contains("jwtbench_gateway_requests_total{decision=\"allow\",reason=\"\"} 2"), "\(metrics)")
        #expect(metrics.contains("jwtbench_gateway_requests_total{decision=\"deny\",reason=\"token_missing\"} 1"))
        await gateway.stop()
    }

    @Test func malformedInputAfterPipelinedRequestsIsAnsweredInTurn() async throws {
        let upstream = try RecordingUpstream()
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(upstream: upstream.url)
        let port = gateway.port
        let statuses = try await WireClient.onThread { () -> [Int] in
            let client = try WireClient(port: port)
            var bytes: [UInt8] = []
            bytes += GatewayFixture.wire(method: "GET", uri: "/one", headers: [Self.bearer], body: [])
            bytes += GatewayFixture.wire(method: "POST", uri: "/two", headers: [], body: Array("denied body".utf8))
            bytes += Array("NOT HTTP AT ALL\r\n\r\n".utf8)
            try client.send(bytes)
            return (0..<4).map { _ in client.response().map { $0.status } ?? 0 }
        }
        // The responses before the bad bytes are whole and in order; the 400 comes last, then
        // the connection closes (0: nothing more to read).
        #expect(statuses == [200, 401, 400, 0])
        #expect(upstream.requests.map(\.uri) == ["/one"])
        try await Self.stillServes(gateway)
        await gateway.stop()
    }

    @Test func upstreamDownIs502() async throws {
        let upstream = try RecordingUpstream()
        let url = upstream.url
        upstream.stop()  // nothing listens there now
        let gateway = try await GatewayFixture.start(upstream: url)
        let response = try await GatewayFixture.send(
            port: gateway.port, GatewayFixture.wire(method: "GET", uri: "/", headers: [Self.bearer], body: []))
        #expect(response?.status == 502)
        #expect(response?.text.contains("upstream_unreachable") == true)
        // A denied request is still a denial, not a 502: it never needed the upstream.
        let denied = try await GatewayFixture.send(port: gateway.port, GatewayFixture.wire(method: "GET", uri: "/", headers: [], body: []))
        #expect(denied?.status == 401)
        await gateway.stop()
    }

    @Test func anUpstreamThatHangsIs504() async throws {
        let upstream = try RecordingUpstream(.hang)
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(upstream: upstream.url) { $0.timeouts.upstreamResponse = .milliseconds(500) }
        let response = try await GatewayFixture.send(
            port: gateway.port, GatewayFixture.wire(method: "GET", uri: "/", headers: [Self.bearer], body: []))
        #expect(response?.status == 504)
        #expect(response?.text.contains("upstream_timeout") == true)
        upstream.behaviour.withLockedValue { $0 = .ok }
        try await Self.stillServes(gateway)
        await gateway.stop()
    }

    /// The gateway does not re-validate the response headers it forwards (NIO's outbound
    /// validator is off: it cost 5% of a request); they were validated when the upstream's
    /// response was parsed. A field value with a bare CR or a name with a space (what would
    /// split or smuggle a header) is a 502 and never reaches the client.
    @Test(arguments: ["X-Bad: a\rInjected: yes\r\n", "X Bad: 1\r\n", "X-Bad: a\u{0}b\r\n"])
    func anUpstreamResponseWithInvalidHeaderBytesIs502(field: String) async throws {
        let raw = "HTTP/1.1 200 OK\r\n\(field)Content-Length: 2\r\n\r\nok"
        let upstream = try RecordingUpstream(.raw(Array(raw.utf8)))
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(upstream: upstream.url)
        let response = try await GatewayFixture.send(
            port: gateway.port, GatewayFixture.wire(method: "GET", uri: "/", headers: [Self.bearer], body: []))
        #expect(response?.status == 502)
        #expect(response?.text.contains("upstream_malformed_response") == true, "\(String(describing: response?.text))")
        #expect(response?.header("Injected") == nil)
        #expect(response?.header("X-Bad") == nil)
        await gateway.stop()
    }

    /// A client that stops reading holds the upstream back: the gateway stops reading the
    /// response rather than keep it in memory (what it holds is bounded by the sockets'
    /// buffers and the client channel's high-water mark), and the whole response arrives
    /// once the client reads again.
    @Test func aClientThatStopsReadingHoldsTheUpstreamBack() async throws {
        let size = 96 * 1024 * 1024
        let upstream = try RecordingUpstream(.stream(size))
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(upstream: upstream.url)
        let port = gateway.port
        let request = GatewayFixture.wire(method: "GET", uri: "/", headers: [Self.bearer], body: [])
        let (whileStalled, status, received) = try await WireClient.onThread { () -> (Int, Int?, Int?) in
            let client = try WireClient(port: port, receiveTimeout: 60)
            try client.send(request)
            // Reads nothing for a while: the upstream writes until the buffers on the way are full.
            var last = -1
            var stalled = upstream.streamedBytes
            var polls = 0
            while stalled != last && polls < 40 {
                last = stalled
                Thread.sleep(forTimeInterval: 0.25)
                stalled = upstream.streamedBytes
                polls += 1
            }
            let response = client.response()
            return (stalled, response?.status, response?.body.count)
        }
        #expect(whileStalled < size / 2, "the upstream wrote \(whileStalled) bytes to a gateway whose client read nothing")
        #expect(status == 200)
        #expect(received == size)
        await gateway.stop()
    }

    @Test func aLargeResponseStreamsBack() async throws {
        let upstream = try RecordingUpstream(.large(8 * 1024 * 1024))
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(upstream: upstream.url)
        let response = try await GatewayFixture.send(
            port: gateway.port, GatewayFixture.wire(method: "GET", uri: "/", headers: [Self.bearer], body: []))
        #expect(response?.status == 200)
        #expect(response?.body.count == 8 * 1024 * 1024)
        await gateway.stop()
    }
}
