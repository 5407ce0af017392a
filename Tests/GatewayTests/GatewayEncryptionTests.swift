import Foundation
import Gateway
import JWTValidation
import Testing
import TokenMint

/// The gateway under the catalogue's `nested` policy (`jwtbench.jwe`, `require: nested`): a
/// nested token is forwarded, a plain JWS and a tampered JWE are answered 401 with their reason.
@Suite(.serialized) struct GatewayEncryptionTests {
    /// The `nested` policy's RS256 tokens by variant.
    static func tokens() throws -> [String: String] {
        let folder = GatewayFixture.corpus + "/" + CatalogPolicy.nested.rawValue
        let tokens = try String(contentsOfFile: folder + "/" + MintOutput.tokensFile, encoding: .utf8).split(separator: "\n")
        let expected = try String(contentsOfFile: folder + "/" + MintOutput.expectationsFile, encoding: .utf8).split(separator: "\n")
        var byVariant: [String: String] = [:]
        for (token, line) in zip(tokens, expected) where line.contains("\"alg\":\"RS256\"") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            byVariant[try #require(object["variant"] as? String)] = String(token)
        }
        return byVariant
    }

    static func get(_ gateway: Gateway, _ token: String) async throws -> WireClient.Response {
        try #require(
            try await GatewayFixture.send(
                port: gateway.port,
                GatewayFixture.wire(method: "GET", uri: "/orders", headers: [("Authorization", "Bearer " + token)], body: [])))
    }

    @Test func nestedTokensAreForwardedAndPlainJWSDenied() async throws {
        let tokens = try Self.tokens()
        let upstream = try RecordingUpstream()
        defer { upstream.stop() }
        let gateway = try await GatewayFixture.start(
            policyPath: GatewayFixture.policyPath(CatalogPolicy.nested.rawValue), upstream: upstream.url)
        #expect(try await Self.get(gateway, try #require(tokens["good-nested"])).status == 200)
        let plain = try await Self.get(gateway, try #require(tokens["jws-where-jwe-required"]))
        #expect(plain.status == 401)
        #expect(plain.text.contains("\"reason\":\"encryption_required\""), "\(plain.text)")
        #expect(plain.header("WWW-Authenticate") == "Bearer error=\"invalid_token\"")
        let tampered = try await Self.get(gateway, try #require(tokens["jwe-tampered-tag"]))
        #expect(tampered.status == 401)
        #expect(tampered.text.contains("\"reason\":\"decryption_failed\""), "\(tampered.text)")
        #expect(upstream.requests.count == 1, "only the nested token reaches the upstream")
        await gateway.stop()
    }
}
