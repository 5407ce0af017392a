import Foundation
import Issuer
import JOSECrypto
import Testing

/// The embedded identity provider on an ephemeral loopback port, seen through raw HTTP.
@Suite struct EmbeddedIssuerTests {
    static func started(_ configuration: IssuerConfiguration = IssuerConfiguration()) async throws -> EmbeddedIssuer {
        let issuer = try EmbeddedIssuer(configuration: configuration)
        try await issuer.start()
        return issuer
    }

    static func jwks(_ issuer: EmbeddedIssuer) throws -> JWKSet {
        let response = try #require(RawHTTP.get(port: issuer.port, path: "/jwks.json").response)
        return try JWKSet(data: Data(response.body))
    }

    @Test func servesDiscoveryAndTheJWKS() async throws {
        let issuer = try await Self.started()
        #expect(issuer.port > 0 && issuer.issuer == "http://127.0.0.1:\(issuer.port)")
        let discovery = try #require(RawHTTP.get(port: issuer.port, path: "/.well-known/openid-configuration").response)
        #expect(discovery.status == 200 && discovery.headers["content-type"] == "application/json")
        #expect(discovery.json?["issuer"] as? String == issuer.issuer)
        #expect(discovery.json?["jwks_uri"] as? String == issuer.jwksURL)
        let response = try #require(RawHTTP.get(port: issuer.port, path: "/jwks.json?x=1").response)
        #expect(response.status == 200 && response.headers["cache-control"] == "public, max-age=300")
        let set = try JWKSet(data: Data(response.body))
        #expect(set.keys.map(\.kid) == [issuer.signingKid])
        #expect(set.keys.allSatisfy { !$0.isPrivate })
        #expect(RawHTTP.get(port: issuer.port, path: "/other").response?.status == 404)
        #expect(issuer.jwksRequestCount == 1 && issuer.discoveryRequestCount == 1 && issuer.fetchCount == 2)
        await issuer.stop()
        #expect(!issuer.isRunning)
    }

    @Test(arguments: [JWSAlgorithm.es256, .rs256, .edDSA])
    func tokensVerifyWithThePublishedKey(_ algorithm: JWSAlgorithm) async throws {
        let issuer = try await Self.started(IssuerConfiguration(algorithm: algorithm))
        let token = try issuer.token(now: 1_700_000_000, lifetime: 60)
        let parts = token.split(separator: ".").map(String.init)
        #expect(parts.count == 3)
        let key = try #require(try Self.jwks(issuer).keys.first)
        let verifier = try OpenSSLBackend().makeVerifier(key: key, algorithm: algorithm)
        #expect(verifier.verify(signature: Base64URL.decode(parts[2]) ?? [], message: Array((parts[0] + "." + parts[1]).utf8)))
        let payload = try #require(try JSONSerialization.jsonObject(with: Data(Base64URL.decode(parts[1]) ?? [])) as? [String: Any])
        #expect(payload["iss"] as? String == issuer.issuer)
        #expect((payload["exp"] as? NSNumber)?.int64Value == 1_700_000_060)
        await issuer.stop()
    }

    @Test func rotationPublishesSignsAndRetires() async throws {
        let issuer = try await Self.started()
        let first = issuer.signingKid
        let rotation = try issuer.rotate(overlap: .seconds(3600))
        #expect(rotation.previousKid == first && rotation.newKid == issuer.signingKid && rotation.newKid != first)
        #expect(try Self.jwks(issuer).keys.map(\.kid) == [rotation.newKid, first])
        let header = try #require(try issuer.token(now: 1_700_000_000).split(separator: ".").first.map(String.init))
        #expect(String(decoding: Base64URL.decode(header) ?? [], as: UTF8.self).contains(rotation.newKid))
        // The signing key cannot be retired; the old one can, and is gone at once.
        #expect(!issuer.retire(kid: rotation.newKid))
        #expect(issuer.retire(kid: first))
        #expect(try Self.jwks(issuer).keys.map(\.kid) == [rotation.newKid])
        // Retired keys can still sign: the harness needs tokens a validator must now refuse.
        #expect(issuer.privateKey(kid: first) != nil)
        #expect(try issuer.token(now: 1_700_000_000, kid: first).isEmpty == false)
        // Zero overlap retires the previous key with the rotation.
        let again = try issuer.rotate(overlap: .zero)
        #expect(try Self.jwks(issuer).keys.map(\.kid) == [again.newKid])
        let kinds = issuer.events.map(\.kind)
        #expect(kinds.contains(.retired(kid: first)) && kinds.contains(.signing(kid: again.newKid)))
        await issuer.stop()
    }

    @Test func rotatesOnASchedule() async throws {
        let issuer = try await Self.started(IssuerConfiguration(rotationInterval: .milliseconds(100), overlap: .seconds(60)))
        let first = issuer.signingKid
        let deadline = Date().addingTimeInterval(10)
        while issuer.signingKid == first && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(issuer.signingKid != first)
        #expect(issuer.publishedKids.contains(first))  // within its overlap
        await issuer.stop()
    }

    @Test func faultsFailTheWayTheySay() async throws {
        let issuer = try await Self.started()
        issuer.setFault(.unavailable)
        #expect(RawHTTP.get(port: issuer.port, path: "/jwks.json").response?.status == 503)
        #expect(RawHTTP.get(port: issuer.port, path: "/.well-known/openid-configuration").response?.status == 503)
        issuer.setFault(.garbage)
        let garbage = try #require(RawHTTP.get(port: issuer.port, path: "/jwks.json").response)
        #expect(garbage.status == 200 && garbage.json == nil)
        issuer.setFault(.oversized(bytes: 100_000))
        let big = try #require(RawHTTP.get(port: issuer.port, path: "/jwks.json").response)
        #expect(big.body.count == 100_000 && big.json != nil)
        issuer.setFault(.body("{\"keys\":[{\"kty\":\"oct\"}]}", contentType: "application/jwk-set+json"))
        let custom = try #require(RawHTTP.get(port: issuer.port, path: "/jwks.json").response)
        #expect(custom.text == "{\"keys\":[{\"kty\":\"oct\"}]}" && custom.headers["content-type"] == "application/jwk-set+json")
        issuer.setFault(.reset)
        switch RawHTTP.get(port: issuer.port, path: "/jwks.json") {
        case .reset, .closed: break
        case let other: Issue.record("a reset fault answered \(other)")
        }
        issuer.setFault(.hang)
        switch RawHTTP.get(port: issuer.port, path: "/jwks.json", receiveTimeout: .milliseconds(300)) {
        case .timedOut: break
        case let other: Issue.record("a hang fault answered \(other)")
        }
        #expect(issuer.fault == .hang)
        issuer.setFault(nil)
        #expect(RawHTTP.get(port: issuer.port, path: "/jwks.json").response?.status == 200)
        #expect(issuer.faultedResponseCount == 7)
        await issuer.stop()
    }

    @Test func aFaultForADurationEnds() async throws {
        let issuer = try await Self.started()
        issuer.setFault(.unavailable, for: .milliseconds(200))
        #expect(RawHTTP.get(port: issuer.port, path: "/jwks.json").response?.status == 503)
        try await Task.sleep(for: .milliseconds(250))
        #expect(issuer.fault == nil)
        #expect(RawHTTP.get(port: issuer.port, path: "/jwks.json").response?.status == 200)
        await issuer.stop()
    }

    @Test func latencyDelaysEveryResponse() async throws {
        let issuer = try await Self.started()
        issuer.setLatency(.milliseconds(400))
        // The delay is a minimum: a client that waits less gets nothing...
        switch RawHTTP.get(port: issuer.port, path: "/jwks.json", receiveTimeout: .milliseconds(50)) {
        case .timedOut: break
        case let other: Issue.record("a 400 ms latency answered within 50 ms: \(other)")
        }
        // ...one that waits long enough gets the answer.
        #expect(RawHTTP.get(port: issuer.port, path: "/jwks.json").response?.status == 200)
        issuer.setCacheMaxAge(nil)
        issuer.setLatency(.zero)
        #expect(RawHTTP.get(port: issuer.port, path: "/jwks.json").response?.headers["cache-control"] == nil)
        await issuer.stop()
    }

    @Test func stoppingClosesHungConnections() async throws {
        let issuer = try await Self.started()
        issuer.setFault(.hang)
        let port = issuer.port
        let client = Task { await RawHTTP.getOnThread(port: port, path: "/jwks.json", receiveTimeout: .seconds(20)) }
        // Wait until the request is in (so the connection is open and hanging).
        let deadline = Date().addingTimeInterval(10)
        while issuer.jwksRequestCount == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        await issuer.stop()
        switch await client.value {
        case .closed, .reset: break
        case let other: Issue.record("a hung connection survived stop: \(other)")
        }
    }

    @Test func anotherSignersPublicKeysArePublishedBesideItsOwnWithoutSecrets() async throws {
        let rsa = try KeyGenerator.generate(for: .rs256, kid: "catalogue-rs")
        let secret = JWK(kty: "oct", kid: "catalogue-hs", alg: "HS256", k: "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I")
        let (keys, skipped) = IssuerConfiguration.publishing(JWKSet(keys: [rsa, secret]))
        #expect(keys.map(\.kid) == ["catalogue-rs"] && skipped == 1)
        var configuration = IssuerConfiguration()
        configuration.extraKeys = keys
        let issuer = try await Self.started(configuration)
        let set = try Self.jwks(issuer)
        #expect(set.keys.map(\.kid) == [issuer.signingKid, "catalogue-rs"])
        #expect(set.keys.allSatisfy { !$0.isPrivate } && rsa.isPrivate)
        await issuer.stop()
    }

    @Test func symmetricKeysCannotBePublished() {
        #expect(throws: IssuerError.self) { try EmbeddedIssuer(configuration: IssuerConfiguration(algorithm: .hs256)) }
    }
}
