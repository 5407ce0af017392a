import Foundation
import Gateway
import JWTValidation
import Revocation
import Testing
import TokenMint

/// The gateway with a denylist: a revoked token is answered 401 `revoked` and never reaches the
/// upstream, and a reload (what SIGHUP calls) picks up a newly revoked token.
@Suite(.serialized) struct GatewayRevocationTests {
    /// A copy of the catalogue's `revoked` policy folder (its own denylist file, which the test
    /// changes), and its HS256 tokens by variant.
    static func copyOfRevokedPolicy() throws -> (dir: String, tokens: [String: String]) {
        let source = GatewayFixture.corpus + "/" + CatalogPolicy.revoked.rawValue
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jwtbench-gateway-revoked-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for file in [MintOutput.policyFile, CatalogRevocation.fileName] {
            try FileManager.default.copyItem(atPath: source + "/" + file, toPath: dir + "/" + file)
        }
        let tokens = try String(contentsOfFile: source + "/" + MintOutput.tokensFile, encoding: .utf8).split(separator: "\n")
        let expected = try String(contentsOfFile: source + "/" + MintOutput.expectationsFile, encoding: .utf8).split(separator: "\n")
        var byVariant: [String: String] = [:]
        for (token, line) in zip(tokens, expected) where line.contains("\"alg\":\"HS256\"") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            byVariant[try #require(object["variant"] as? String)] = String(token)
        }
        return (dir, byVariant)
    }

    static func get(_ gateway: Gateway, _ token: String) async throws -> WireClient.Response {
        try #require(
            try await GatewayFixture.send(
                port: gateway.port,
                GatewayFixture.wire(method: "GET", uri: "/orders", headers: [("Authorization", "Bearer " + token)], body: [])))
    }

    @Test func revokedTokensAreDeniedAndAReloadRevokesMore() async throws {
        let (dir, tokens) = try Self.copyOfRevokedPolicy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let revokedByJTI = try #require(tokens["revoked-jti"])
        let revokedByHash = try #require(tokens["revoked-token-hash"])
        let live = try #require(tokens["good-jti-not-revoked"])
        let upstream = try RecordingUpstream()
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(policyPath: dir + "/" + MintOutput.policyFile, upstream: upstream.url)

        for token in [revokedByJTI, revokedByHash] {
            let response = try await Self.get(gateway, token)
            #expect(response.status == 401)
            #expect(response.text.contains("\"reason\":\"revoked\""), "\(response.text)")
            #expect(response.header("WWW-Authenticate") == "Bearer error=\"invalid_token\"")
        }
        #expect(try await Self.get(gateway, live).status == 200)
        #expect(upstream.requests.count == 1)

        // Revoke the live token's jti, then reload as SIGHUP does.
        try RevocationFileWriter.revoke([.token(live)], in: dir + "/" + CatalogRevocation.fileName)
        gateway.reloadRevocations()
        let after = try await Self.get(gateway, live)
        #expect(after.status == 401)
        #expect(after.text.contains("\"reason\":\"revoked\""))
        #expect(upstream.requests.count == 1, "a revoked token never reaches the upstream")
        let entries = try #require(gateway.policy.revocation?.list.current.count)
        let metrics = await GatewayFixture.metrics(of: gateway, containing: ["reason=\"revoked\""])
        #expect(metrics.contains("reason=\"revoked\""))
        #expect(metrics.contains("jwtbench_gateway_revocation_reloads_total{result=\"ok\"} 1"), "\(metrics)")
        #expect(Self.value("jwtbench_gateway_revocation_entries", in: metrics) == Double(entries), "\(metrics)")
        let took = try #require(Self.value("jwtbench_gateway_revocation_last_reload_seconds", in: metrics), "\(metrics)")
        #expect(took > 0 && took < 60)
        await gateway.stop()
    }

    /// The value of an unlabelled sample in Prometheus text.
    static func value(_ name: String, in metrics: String) -> Double? {
        metrics.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.dropFirst(name.count + 1)) }
    }

    @Test func aBadDenylistIsRefusedAtLoadAndOnReload() async throws {
        let (dir, tokens) = try Self.copyOfRevokedPolicy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let listPath = dir + "/" + CatalogRevocation.fileName
        let upstream = try RecordingUpstream()
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(policyPath: dir + "/" + MintOutput.policyFile, upstream: upstream.url)
        // A bad file on reload: refused, the list in force stays.
        let good = try String(contentsOfFile: listPath, encoding: .utf8)
        try Data((good + "sha256:bad\n").utf8).write(to: URL(fileURLWithPath: listPath))
        gateway.reloadRevocations()
        #expect(try await Self.get(gateway, try #require(tokens["revoked-jti"])).status == 401)
        #expect(try await Self.get(gateway, try #require(tokens["good-jti-not-revoked"])).status == 200)
        let metrics = gateway.metricsText()
        #expect(metrics.contains("jwtbench_gateway_revocation_reloads_total{result=\"refused\"} 1"), "\(metrics)")
        #expect(metrics.contains("jwtbench_gateway_revocation_reloads_total{result=\"ok\"} 0"), "\(metrics)")
        await gateway.stop()
        // A bad file at load: a configuration error naming the field and the line.
        do {
            _ = try GatewayPolicy.load(path: dir + "/" + MintOutput.policyFile, keyFiles: [GatewayFixture.jwks])
            Issue.record("a bad denylist was accepted")
        } catch {
            #expect("\(error)".contains("jwtbench.revocation.file"))
            #expect("\(error)".contains("revoked.txt:\(good.split(separator: "\n").count + 1):"))
        }
    }
}
