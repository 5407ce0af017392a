import Conformance
import Echo
import Foundation
import Gateway
import GatewayConformance
import JOSECrypto
import Reports
import Testing
import TokenMint

/// `conform --target`'s runner against gateways started here: the jwtbench gateway passes every
/// request case; targets that forward everything fail the run naming exactly the deny cases;
/// the expected-failure list works as it does in process.
@Suite(.serialized) struct GatewayConformanceRunnerTests {
    typealias F = GatewayConformanceFixture

    @Test func theCasesAreTheCataloguesRequestsAndHoldInProcess() throws {
        let cases = F.cases
        // The ten request-shaped cases, and the token cases of every header-token policy in
        // its header: every catalogue policy has cases.
        #expect(cases.filter { $0.conformance.tags.contains("request") }.count == 10)
        #expect(cases.filter { $0.conformance.tags.contains("token") }.count > 100)
        // Every catalogue policy has cases, but `encrypted` (its tokens use symmetric key
        // management, minted with HS256 only).
        #expect(Set(cases.map(\.policy)) == Set(CatalogPolicy.allCases).subtracting([.encrypted]))
        #expect(cases.contains { $0.conformance.id == "jwtbench/token-twice/RS256/typical" })
        let expired = try #require(cases.first { $0.conformance.id == "jwtbench/expired/ES256/typical" })
        #expect(expired.request.headers.count == 1 && expired.request.headers[0].name == "Authorization")
        #expect(expired.request.headers[0].value.hasPrefix("Bearer ey"))
        // The same cases through the in-process validator: the expectations hold there.
        let run = ConformanceRunner(backend: OpenSSLBackend()).run(cases.map(\.conformance))
        #expect(run.succeeded, "\(run.failures.map { "\($0.id): \($0.actual) \($0.detail ?? "")" })")
    }

    @Test func theJWTBenchGatewayPassesEveryCase() async throws {
        let echo = try await F.echo()
        defer { echo.stop() }
        var gateways: [Gateway] = []
        var targets: [GatewayTarget] = []
        for policy in Set(F.cases.map(\.policy)).sorted(by: { $0.rawValue < $1.rawValue }) {
            let gateway = try await F.gateway(policy, upstream: echo.url)
            gateways.append(gateway)
            targets.append(try F.target(policy, port: gateway.port))
        }
        let runner = GatewayConformanceRunner(targets: targets, profile: .jwtbench)
        let cases = F.cases
        let run = try await F.onThread { try runner.run(cases, echo: echo) }
        for gateway in gateways { await gateway.stop() }
        #expect(run.succeeded, "\(run.failures.map { "\($0.id): \($0.actual) \($0.detail ?? "")" })")
        #expect(run.counts.passed == cases.count)
        #expect(run.results.allSatisfy { $0.status == .passed })
        // Only the allowed cases reached the upstream, each once.
        #expect(echo.requests.count == cases.filter { $0.conformance.expectation == .allow }.count)
        let denied = try #require(run.results.first { $0.id == "jwtbench/token-missing/ES256/typical" })
        #expect(denied.actual == "deny(token_missing) 401")
    }

    @Test func aTargetThatForwardsEverythingFailsNamingTheDenyCases() async throws {
        let echo = try await F.echo()
        defer { echo.stop() }
        // The echo upstream itself as the "gateway": it allows everything.
        let targets = [try F.target(.standard, port: echo.port), try F.target(.bodyToken, port: echo.port)]
        let cases = F.cases
        for profile in GatewayProfile.allCases {
            let runner = GatewayConformanceRunner(targets: targets, profile: profile)
            let run = try await F.onThread { try runner.run(cases, echo: echo) }
            #expect(!run.succeeded)
            let sent = cases.filter { [.standard, .bodyToken].contains($0.policy) }
            let denyIDs = Set(sent.filter { $0.conformance.expectation != .allow }.map(\.conformance.id))
            #expect(Set(run.failures.map(\.id)) == denyIDs, "\(profile)")
            #expect(
                run.failures.allSatisfy { $0.actual == "200, forwarded altered" || $0.detail?.contains("reached the upstream") == true })
            let junit = JUnitWriter.render(run.results)
            for id in denyIDs { #expect(junit.contains(id)) }
        }
    }

    @Test func aGatewayWithoutBodyTokensPassesUnderItsExpectedFailureList() async throws {
        let echo = try await F.echo()
        defer { echo.stop() }
        // A gateway that only reads header tokens: the standard policy serves the body-token cases.
        let headerOnly = try await F.gateway(.standard, upstream: echo.url)
        let targets = [try F.target(.standard, port: headerOnly.port), try F.target(.bodyToken, port: headerOnly.port)]
        let cases = F.cases
        let listed = try ConformanceExpectedFailures(
            entries: GatewayCase.algorithms.map {
                .init(
                    suite: "jwtbench", caseID: "jwtbench/body-token-post/\($0.rawValue)/typical",
                    reason: "no body tokens: the gateway reads the Authorization header only")
            })
        let generic = GatewayConformanceRunner(targets: targets, profile: .generic, expectedFailures: listed)
        let run = try await F.onThread { try generic.run(cases, echo: echo) }
        #expect(run.succeeded, "\(run.failures.map { "\($0.id): \($0.actual) \($0.detail ?? "")" })")
        #expect(run.counts.expectedFailure == 2)
        // Under the jwtbench profile the reason is checked: token_missing is not request_unsupported.
        let strict = GatewayConformanceRunner(targets: targets, profile: .jwtbench, expectedFailures: listed)
        let strictRun = try await F.onThread { try strict.run(cases, echo: echo) }
        #expect(
            Set(strictRun.failures.map(\.id)) == Set(GatewayCase.algorithms.map { "jwtbench/body-token-on-get/\($0.rawValue)/typical" }))
        // Against the real body-token gateway the listed cases pass: unexpected passes fail the run.
        let body = try await F.gateway(.bodyToken, upstream: echo.url)
        let full = GatewayConformanceRunner(
            targets: [targets[0], try F.target(.bodyToken, port: body.port)], profile: .generic, expectedFailures: listed)
        let fullRun = try await F.onThread { try full.run(cases, echo: echo) }
        #expect(!fullRun.succeeded && fullRun.counts.unexpectedPass == 2)
        await headerOnly.stop()
        await body.stop()
    }

    @Test func casesWithoutATargetAreSkippedAndAnUnreachableTargetIsAnError() async throws {
        let echo = try await F.echo()
        defer { echo.stop() }
        let standard = try await F.gateway(.standard, upstream: echo.url)
        let runner = GatewayConformanceRunner(targets: [try F.target(.standard, port: standard.port)], profile: .jwtbench)
        let cases = F.cases
        let run = try await F.onThread { try runner.run(cases, echo: echo) }
        await standard.stop()
        #expect(run.succeeded)
        #expect(run.counts.skipped == cases.filter { $0.policy != .standard }.count)
        // Port 9 (discard) has no listener on a test machine: connection refused.
        let unreachable = GatewayConformanceRunner(targets: [try F.target(.standard, port: 9)], profile: .jwtbench)
        await #expect(throws: GatewayConformanceError.self) { try await F.onThread { try unreachable.run(cases, echo: echo) } }
    }

    @Test func targetsParse() throws {
        let bare = try GatewayTarget(parsing: "http://127.0.0.1:8080/api/")
        #expect(bare.policy == .standard && bare.host == "127.0.0.1" && bare.port == 8080 && bare.pathPrefix == "/api")
        let body = try GatewayTarget(parsing: "body-token=http://[::1]:9000")
        #expect(body.policy == .bodyToken && body.host == "::1" && body.url == "http://[::1]:9000")
        #expect(try GatewayTarget(parsing: "http://gw").port == 80)
        for bad in ["https://gw:443", "nope=http://gw:1", "gw:8080", "http://gw:1/?q=1"] {
            #expect(throws: GatewayConformanceError.self, "\(bad)") { try GatewayTarget(parsing: bad) }
        }
    }
}
