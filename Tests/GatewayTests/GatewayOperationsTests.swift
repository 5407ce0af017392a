import Foundation
import Gateway
import Logging
import Policy
import Testing

/// Reload, the admin listener, the access log and claim headers (draining: `GatewayDrainTests`).
@Suite(.serialized) struct GatewayOperationsTests {
    static var bearer: (String, String) { GatewayRobustnessTests.bearer }

    static func get(_ port: Int, _ uri: String = "/", headers: [(String, String)] = [bearer]) async throws -> WireClient.Response? {
        try await GatewayFixture.send(port: port, GatewayFixture.wire(method: "GET", uri: uri, headers: headers, body: []))
    }

    static func writePolicy(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-policy-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// `keys`: name the catalogue's JWKS in the document (the fixture adds it otherwise).
    static func policyText(audience: String, extra: String = "", keys: Bool = true) -> String {
        """
        issuer: {allow_list: [{value: "https://issuer.jwtbench.test/"}]}
        audience: {allow_list: [{value: "\(audience)"}]}
        http: {tokens: [{type: jwt, method: header, name: Authorization, prefix: "Bearer "}]}
        jws:
          allowed_algorithms: [RS256, ES256]
          \(keys ? "keys: {sources: {files: [\"\(GatewayFixture.jwks)\"]}}" : "")
        \(extra)
        """
    }

    @Test func aReloadChangesTheDecisionsOfNewRequestsOnly() async throws {
        let upstream = try RecordingUpstream(.delay(.milliseconds(400)))
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(upstream: upstream.url)
        let port = gateway.port
        // In flight across the reload: decided by the old policy, so it is allowed and completes.
        async let inFlight = Self.get(port, "/in-flight")
        // The reload comes once the request is at the upstream (decided, its response 400 ms
        // away), not after a fixed pause: on a loaded machine the request may not even have
        // been sent 150 ms later, and would then meet the new policy.
        for _ in 0..<1000 where !upstream.requests.contains(where: { $0.uri == "/in-flight" }) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(upstream.requests.map(\.uri) == ["/in-flight"])
        let stricter = try GatewayPolicy.load(path: try Self.writePolicy(Self.policyText(audience: "https://other.jwtbench.test")))
        await gateway.reload(policy: stricter)
        #expect(try await inFlight?.status == 200)
        // New requests: the same token is now for the wrong audience.
        let after = try await Self.get(port, "/after")
        #expect(after?.status == 403 && after?.text.contains("audience_not_allowed") == true)
        #expect(upstream.requests.map(\.uri) == ["/in-flight"])
        // A bad policy file is refused before it reaches the gateway; the current one stays.
        #expect(throws: GatewayError.self) { try GatewayPolicy.load(path: try Self.writePolicy("issuer: [")) }
        #expect(try await Self.get(port, "/still")?.status == 403)
        await gateway.stop()
    }

    @Test func metricsCountDecisionsByReasonAndTheAccessLogHasOneLinePerRequest() async throws {
        let upstream = try RecordingUpstream()
        defer { upstream.stop() }
        let logPath = FileManager.default.temporaryDirectory.appendingPathComponent("access-\(UUID().uuidString).log").path
        let sink = try JSONLineLogHandler.Sink(path: logPath)
        let log = Logger(label: "test.access") { _ in JSONLineLogHandler(sink: sink) }
        let gateway = try await GatewayFixture.start(upstream: upstream.url, admin: true, accessLog: log)
        #expect(try await Self.get(gateway.port)?.status == 200)
        #expect(try await Self.get(gateway.port, headers: [])?.status == 401)
        #expect(try await Self.get(gateway.port, headers: [("Authorization", "Bearer a.b.c")])?.status == 401)
        let metrics = try #require(try await Self.get(gateway.adminPort, "/metrics", headers: [])).text
        #expect(metrics.contains("jwtbench_gateway_requests_total{decision=\"allow\",reason=\"\"} 1"))
        #expect(metrics.contains("jwtbench_gateway_requests_total{decision=\"deny\",reason=\"token_missing\"} 1"))
        #expect(metrics.contains("jwtbench_gateway_requests_total{decision=\"deny\",reason=\"token_malformed\"} 1"))
        #expect(metrics.contains("jwtbench_gateway_validation_duration_seconds_count 3"))
        #expect(metrics.contains("# TYPE jwtbench_gateway_upstream_errors_total counter"))
        #expect(try await Self.get(gateway.adminPort, "/healthz", headers: [])?.status == 200)
        #expect(try await Self.get(gateway.adminPort, "/nope", headers: [])?.status == 404)
        await gateway.stop()
        let lines = try String(contentsOfFile: logPath, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        let entries = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(entries.map { $0["decision"] as? String } == ["allow", "deny", "deny"])
        #expect(entries.map { $0["status"] as? Int } == [200, 401, 401])
        #expect(entries[1]["reason"] as? String == "token_missing")
        // A header's value (a credential) is never logged.
        #expect(!lines.joined().contains(GatewayRobustnessTests.token))
    }

    @Test func verifiedClaimsAreForwardedAsHeadersAndClientCopiesAreRemoved() async throws {
        let upstream = try RecordingUpstream()
        defer { upstream.stop() }
        let path = try Self.writePolicy(
            Self.policyText(
                audience: "https://api.jwtbench.test",
                extra:
                    "jwtbench: {claim_to_headers: [{claim: sub, header: X-User}, {claim: iss, header: X-Issuer}, {claim: missing.member, header: X-None}]}",
                keys: false))
        let gateway = try await GatewayFixture.start(policyPath: path, upstream: upstream.url)
        let response = try await Self.get(gateway.port, headers: [Self.bearer, ("X-User", "spoofed"), ("X-None", "spoofed")])
        #expect(response?.status == 200)
        let arrived = try #require(upstream.requests.first)
        #expect(arrived.header("X-User").count == 1 && arrived.header("X-User").first?.hasPrefix("auth0|") == true)
        #expect(arrived.header("X-Issuer") == ["https://issuer.jwtbench.test/"])
        #expect(arrived.header("X-None").isEmpty)
        await gateway.stop()
    }

    @Test func claimToHeadersIsCheckedWhenTheDocumentIsParsed() throws {
        let base = Self.policyText(audience: "https://api.jwtbench.test", extra: "")
        for bad in [
            "jwtbench: {claim_to_headers: [{claim: sub, header: \"Bad Header\"}]}",
            "jwtbench: {claim_to_headers: [{claim: sub, header: Host}]}",
            "jwtbench: {claim_to_headers: [{claim: sub, header: X-Forwarded-For}]}",
            "jwtbench: {claim_to_headers: [{claim: sub, header: X-A}, {claim: iss, header: x-a}]}",
            "jwtbench: {claim_to_headers: [{claim: \"a..b\", header: X-A}]}",
            "jwtbench: {claim_to_headers: [{claim: sub, header: X-A, extra: 1}]}",
        ] {
            #expect(throws: PolicyError.self, "\(bad)") { try Policy.parse(base + bad) }
        }
        let good = try Policy.parse(base + "jwtbench: {claim_to_headers: [{claim: org.id, header: X-Org}]}")
        #expect(good.claimHeaders == [ClaimHeader(claim: "org.id", header: "X-Org")])
    }
}
