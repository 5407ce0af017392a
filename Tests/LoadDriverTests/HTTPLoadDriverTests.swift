import Foundation
import Issuer
import JWTValidation
import Testing

@testable import LoadDriver

/// The HTTP driver against a real loopback server: the embedded issuer, whose JWKS endpoint
/// answers 200 (or, with a fault, 401 or a reset), standing in for a gateway.
@Suite(.serialized) struct HTTPLoadDriverTests {
    static func workload(_ url: String, expected: [ReasonCode?], connections: Int) throws -> LoadDriver.Workload {
        let tokens = expected.indices.map { "token-\($0)" }
        return LoadDriver.Workload(
            target: try HTTPLoadTarget(url: url, tokens: tokens, connections: connections), expected: expected,
            algorithmIndex: expected.map { _ in 0 }, algorithmNames: ["ES256"], ids: tokens)
    }

    @Test func everyAnswerIsCheckedAgainstItsExpectation() async throws {
        let issuer = try EmbeddedIssuer(configuration: IssuerConfiguration(algorithm: .es256))
        try await issuer.start()
        defer { issuer.stop() }
        let allowed = try await onOwnThread {
            LoadDriver.run(
                name: "allowed", workload: "allowed", try Self.workload(issuer.jwksURL, expected: [nil, nil, nil], connections: 4),
                threads: 2, options: LoadOptions(durationSeconds: 0.4, warmupSeconds: 0.1), runStart: 0)
        }
        #expect(allowed.summary.operations > 0)
        #expect(allowed.summary.mismatches == 0, "\(allowed.firstMismatches)")
        #expect(allowed.summary.countsByReason == ["allow": allowed.summary.operations])
        #expect(allowed.summary.correctedLatencyNanos.max > 0)

        // The same 200s where denials were expected: every one a mismatch, named.
        let denied = try await onOwnThread {
            LoadDriver.run(
                name: "denied", workload: "denied",
                try Self.workload(issuer.jwksURL, expected: [.expired, .audienceNotAllowed], connections: 2),
                threads: 1, options: LoadOptions(durationSeconds: 0.3, warmupSeconds: 0), runStart: 0)
        }
        #expect(denied.summary.operations > 0 && denied.summary.mismatches == denied.summary.operations)
        #expect(denied.firstMismatches.contains("token-0: expected expired (HTTP 401), got HTTP 200"))
        #expect(denied.firstMismatches.contains("token-1: expected audience_not_allowed (HTTP 403), got HTTP 200"))

        // A 401 answer is what an expired token should get.
        issuer.setFault(.status(401))
        let unauthorized = try await onOwnThread {
            LoadDriver.run(
                name: "401", workload: "401", try Self.workload(issuer.jwksURL, expected: [.expired], connections: 2), threads: 1,
                options: LoadOptions(durationSeconds: 0.3, warmupSeconds: 0), runStart: 0)
        }
        #expect(unauthorized.summary.operations > 0 && unauthorized.summary.mismatches == 0, "\(unauthorized.firstMismatches)")
        #expect(unauthorized.summary.countsByReason == ["expired": unauthorized.summary.operations])
    }

    @Test func anOpenLoopSendsEveryIntendedRequestOverItsConnections() async throws {
        let issuer = try EmbeddedIssuer(configuration: IssuerConfiguration(algorithm: .es256))
        try await issuer.start()
        defer { issuer.stop() }
        // 500/s over 4 connections for 1 s: each connection every 8 ms, 125 each.
        let result = try await onOwnThread {
            LoadDriver.run(
                name: "open", workload: "open", try Self.workload(issuer.jwksURL, expected: [nil], connections: 4), threads: 2,
                options: LoadOptions(durationSeconds: 1, warmupSeconds: 0, rate: 500), runStart: 0)
        }
        #expect(result.summary.operations == 500)
        #expect(result.summary.mode == .open && result.summary.mismatches == 0)
    }

    @Test func aTargetThatDropsConnectionsFailsTheRun() async throws {
        let issuer = try EmbeddedIssuer(configuration: IssuerConfiguration(algorithm: .es256))
        try await issuer.start()
        issuer.setFault(.reset)
        let reset = try await onOwnThread {
            LoadDriver.run(
                name: "reset", workload: "reset", try Self.workload(issuer.jwksURL, expected: [nil], connections: 2), threads: 1,
                options: LoadOptions(durationSeconds: 0.2, warmupSeconds: 0), runStart: 0)
        }
        #expect(reset.summary.mismatches > 0)
        #expect(reset.firstMismatches.first?.hasPrefix("connection ") == true, "\(reset.firstMismatches)")
        let url = issuer.jwksURL
        await issuer.stop()
        let down = try await onOwnThread {
            LoadDriver.run(
                name: "down", workload: "down", try Self.workload(url, expected: [nil], connections: 2), threads: 1,
                options: LoadOptions(durationSeconds: 0.2, warmupSeconds: 0), runStart: 0)
        }
        #expect(down.summary.mismatches > 0 && down.summary.operations == 0)
        #expect(down.firstMismatches.first?.contains("connect:") == true, "\(down.firstMismatches)")
    }

    @Test func targetsAreHTTPURLs() {
        #expect(throws: (any Error).self) { try HTTPLoadTarget(url: "https://127.0.0.1/", tokens: ["t"], connections: 1) }
        #expect(throws: (any Error).self) { try HTTPLoadTarget(url: "http:///path", tokens: ["t"], connections: 1) }
        #expect(throws: (any Error).self) { try HTTPLoadTarget(url: "http://127.0.0.1/", tokens: ["t"], connections: 0) }
        let target = try? HTTPLoadTarget(url: "http://127.0.0.1:8080/api/v1?x=1", tokens: ["abc"], connections: 1)
        #expect(target?.path == "/api/v1?x=1" && target?.host == "127.0.0.1:8080")
        #expect(
            target.map { String(decoding: $0.requests[0], as: UTF8.self) }
                == "GET /api/v1?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: jwtbench\r\nAuthorization: Bearer abc\r\n\r\n")
    }
}
