import Foundation
import Gateway
import JWTValidation
import Testing

/// The catalogue through the gateway: every case gets the status its expectation says, allowed
/// requests reach the upstream byte-exact, and denied ones never reach it.
@Suite(.serialized) struct GatewayCatalogueTests {
    struct RequestCase {
        var id: String
        var policy: String
        var decision: String
        var reason: String?
        var method: String
        var headers: [(String, String)]
        var body: [UInt8]
    }

    static func requestCases() throws -> [RequestCase] {
        let text = try String(contentsOfFile: GatewayFixture.corpus + "/requests.jsonl", encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let expect = try #require(object["expect"] as? [String: Any])
            let request = try #require(object["request"] as? [String: Any])
            let headers = (request["headers"] as? [[String]] ?? []).map { ($0[0], $0[1]) }
            return RequestCase(
                id: object["id"] as? String ?? "?", policy: object["policy"] as? String ?? "?",
                decision: expect["decision"] as? String ?? "?", reason: expect["reason"] as? String,
                method: request["method"] as? String ?? "GET", headers: headers, body: Array((request["body"] as? String ?? "").utf8))
        }
    }

    @Test func everyRequestShapedCaseGetsItsStatusAndOnlyAllowedOnesArriveByteExact() async throws {
        let cases = try Self.requestCases()
        #expect(cases.count >= 10)
        #expect(Set(cases.map(\.policy)) == ["standard", "body-token"])
        for policy in Set(cases.map(\.policy)).sorted() {
            let upstream = try RecordingUpstream()
            defer { upstream.stop() }
            let gateway = try await GatewayFixture.start(policyPath: GatewayFixture.policyPath(policy), upstream: upstream.url)
            var allowed: [(RequestCase, String)] = []
            for (index, c) in cases.enumerated() where c.policy == policy {
                let uri = "/case/\(index)?id=\(c.id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
                let response = try #require(
                    try await GatewayFixture.send(
                        port: gateway.port, GatewayFixture.wire(method: c.method, uri: uri, headers: c.headers, body: c.body)),
                    "\(c.id): no response")
                if let reason = c.reason {
                    let code = try #require(ReasonCode(rawValue: reason))
                    #expect(response.status == code.httpStatus, "\(c.id)")
                    #expect(response.text.contains("\"reason\":\"\(reason)\""), "\(c.id): \(response.text)")
                    #expect(response.header("WWW-Authenticate") == code.wwwAuthenticate, "\(c.id)")
                } else if c.decision == "allow" {
                    #expect(response.status == 200, "\(c.id): \(response.text)")
                    #expect(response.header("X-Upstream") == "recording", "\(c.id)")
                    allowed.append((c, uri))
                }
            }
            let received = upstream.requests
            // Denied requests never arrive: the upstream saw exactly the allowed ones, in order.
            #expect(received.count == allowed.count, "policy \(policy)")
            for (sent, arrived) in zip(allowed, received) {
                let (c, uri) = sent
                #expect(arrived.method == c.method && arrived.uri == uri && arrived.body == c.body, "\(c.id)")
                // Every header the client sent arrives, in order, with the proxy's added after.
                let forwarded = arrived.headers.filter { !$0.0.lowercased().hasPrefix("x-forwarded-") }
                let expected =
                    [("Host", "gateway.test")] + c.headers
                    + (c.body.isEmpty && c.method == "GET" ? [] : [("Content-Length", "\(c.body.count)")])
                #expect(forwarded.map { "\($0.0): \($0.1)" } == expected.map { "\($0.0): \($0.1)" }, "\(c.id)")
                #expect(arrived.header("X-Forwarded-For") == ["127.0.0.1"])
                #expect(arrived.header("X-Forwarded-Proto") == ["http"])
                #expect(arrived.header("X-Forwarded-Host") == ["gateway.test"])
            }
            await gateway.stop()
        }
    }

    @Test func everyTokenCaseOfEveryCataloguePolicyGetsItsStatusAndReason() async throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: GatewayFixture.corpus).filter {
            FileManager.default.fileExists(atPath: GatewayFixture.corpus + "/\($0)/tokens.txt")
        }
        #expect(folders.contains("standard") && folders.count >= 5)
        let upstream = try RecordingUpstream()
        defer { upstream.stop() }
        var expectedArrivals = 0
        var checked = 0
        for folder in folders.sorted() {
            let gateway = try await GatewayFixture.start(policyPath: GatewayFixture.policyPath(folder), upstream: upstream.url)
            let tokens = try String(contentsOfFile: GatewayFixture.corpus + "/\(folder)/tokens.txt", encoding: .utf8)
                .split(separator: "\n").map(String.init)
            let expectations = try String(contentsOfFile: GatewayFixture.corpus + "/\(folder)/expected.jsonl", encoding: .utf8)
                .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
            #expect(tokens.count == expectations.count)
            let port = gateway.port
            // One keep-alive connection per policy, as a real client would.
            let results = try await WireClient.onThread { () -> [(Int, String)] in
                let client = try WireClient(port: port)
                return try tokens.map { token in
                    try client.send(
                        GatewayFixture.wire(method: "GET", uri: "/t", headers: [("Authorization", "Bearer " + token)], body: []))
                    guard let response = client.response() else { return (0, "no response") }
                    return (response.status, response.text)
                }
            }
            for (expectation, (status, body)) in zip(expectations, results) {
                let expect = expectation["expect"] as? [String: Any] ?? [:]
                let id = expectation["id"] as? String ?? "?"
                checked += 1
                if let reason = expect["reason"] as? String, let code = ReasonCode(rawValue: reason) {
                    #expect(status == code.httpStatus && body.contains("\"reason\":\"\(reason)\""), "\(folder) \(id): \(status) \(body)")
                } else if expect["decision"] as? String == "allow" {
                    #expect(status == 200, "\(folder) \(id): \(status) \(body)")
                    expectedArrivals += 1
                } else if status == 200 {
                    expectedArrivals += 1  // acceptable, and allowed
                }
            }
            await gateway.stop()
        }
        #expect(checked > 500)
        #expect(upstream.requests.count == expectedArrivals)
    }
}
