import Foundation
import Gateway
import Testing

/// SIGTERM's drain: requests in flight finish, requests already on their way when it began
/// are served, and the gateway stops once every connection is gone.
@Suite(.serialized) struct GatewayDrainTests {
    static func get(_ port: Int, _ uri: String) async throws -> WireClient.Response? {
        try await GatewayOperationsTests.get(port, uri)
    }

    @Test func drainingFinishesRequestsInFlightAndTurnsReadinessOff() async throws {
        let upstream = try RecordingUpstream(.delay(.milliseconds(500)))
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(upstream: upstream.url, threads: 2, admin: true)
        let (port, admin) = (gateway.port, gateway.adminPort)
        #expect(try await GatewayOperationsTests.get(admin, "/ready", headers: [])?.status == 200)
        let inFlight = (0..<6).map { i in Task { try await Self.get(port, "/slow/\(i)") } }
        // Every request at the upstream (decided, its response 500 ms away) before the drain.
        for _ in 0..<1000 where upstream.requests.count < 6 { try await Task.sleep(for: .milliseconds(10)) }
        let drained = Task { await gateway.drainAndStop() }
        try await Task.sleep(for: .milliseconds(100))
        #expect(!gateway.isReady)
        // Every request in flight when draining began completes with the upstream's answer.
        for request in inFlight { #expect(try await request.value?.status == 200) }
        await drained.value
        #expect(upstream.requests.count == 6)
        // And no new connection is accepted.
        #expect(throws: (any Error).self) { try WireClient(port: port) }
    }

    /// A client that connected before the drain (or reuses a keep-alive connection at that
    /// moment) cannot know of it: its request is served, with `Connection: close`, over a new
    /// upstream connection (the pool keeps none while draining but still makes them). It was
    /// closed unanswered, and had it been kept, its upstream connection refused with a 502.
    @Test func aRequestOnAConnectionIdleWhenDrainingBeganIsServedThenTheConnectionCloses() async throws {
        let upstream = try RecordingUpstream()
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(upstream: upstream.url)
        let port = gateway.port
        let client = Handoff(try WireClient(port: port))
        for _ in 0..<1000 where await gateway.openConnections() < 1 { try await Task.sleep(for: .milliseconds(10)) }
        let drained = Task { await gateway.drainAndStop() }
        // Draining has begun once the listener refuses connections; its loop hears a moment later.
        for _ in 0..<1000 where (try? WireClient(port: port)) != nil { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(50))
        let bearer = GatewayOperationsTests.bearer
        let bytes = GatewayFixture.wire(method: "GET", uri: "/after-drain", headers: [bearer], body: [])
        let response = try await WireClient.onThread {
            try client.value.send(bytes)
            return (client.value.response(), client.value.isClosedByPeer())
        }
        #expect(response.0?.status == 200)
        #expect(response.0?.header("Connection")?.lowercased() == "close")
        #expect(response.1)
        #expect(upstream.requests.map(\.uri) == ["/after-drain"])
        await drained.value
    }

    /// An idle connection that sends nothing does not hold the exit back for its keep-alive
    /// time (60 s): it is closed after the drain grace (at most 1 s).
    @Test func anIdleConnectionThatSendsNothingIsClosedAfterTheGrace() async throws {
        let upstream = try RecordingUpstream()
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(upstream: upstream.url)
        let client = Handoff(try WireClient(port: gateway.port, receiveTimeout: 20))
        for _ in 0..<1000 where await gateway.openConnections() < 1 { try await Task.sleep(for: .milliseconds(10)) }
        let drained = Task { await gateway.drainAndStop() }
        #expect(try await WireClient.onThread { client.value.isClosedByPeer() })
        await drained.value
        #expect(upstream.requests.isEmpty)
    }

    /// Requests racing the drain: the listener closes while some connections are accepted but
    /// not yet set up, some not yet accepted (the kernel resets those). Whatever is answered
    /// is the upstream's 200, nothing reaches the upstream unanswered, and no connection is
    /// left on the books: one closed before it was ever active used to stay counted, and the
    /// drain waited its whole timeout for it.
    @Test func requestsRacingTheDrainAreAnsweredOrRefusedAndNoConnectionIsLeftCounted() async throws {
        let upstream = try RecordingUpstream(.delay(.milliseconds(100)))
        defer { upstream.stop() }
        // The window is narrow and moves with the machine's load: several pauses, a gateway each.
        for pause in [0, 1, 2, 4, 8, 15] {
            let before = upstream.requests.count
            let gateway = try await GatewayFixture.start(upstream: upstream.url, threads: 2) { $0.timeouts.drain = .seconds(5) }
            let port = gateway.port
            let racing = (0..<6).map { i in Task { try? await Self.get(port, "/race/\(pause)/\(i)") } }
            try await Task.sleep(for: .milliseconds(pause))
            await gateway.drainAndStop()
            var answered = 0
            for request in racing {
                guard let response = await request.value ?? nil else { continue }
                #expect(response.status == 200, "pause \(pause) ms")
                answered += 1
            }
            #expect(upstream.requests.count - before == answered, "pause \(pause) ms")
            #expect(gateway.metricsText().contains("jwtbench_gateway_client_connections 0"), "pause \(pause) ms")
        }
    }
}

/// A client opened here and then used on one other thread only, never by two at once.
struct Handoff<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
