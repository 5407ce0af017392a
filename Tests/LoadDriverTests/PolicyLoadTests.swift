import Foundation
import Issuer
import JOSECrypto
import JWTValidation
import KeySources
import LoadDriver
import Measurement
import Policy
import Testing
import TokenMint

/// `jwtbench load --policy`: tokens from files under a user's policy with its real key
/// sources (here `additional_jkus` on the embedded issuer), and the no-op target.
@Suite(.serialized) struct PolicyLoadTests {
    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jwtbench-policyload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func policyText(_ issuer: EmbeddedIssuer, strategy: String) -> String {
        """
        issuer:
          allow_list:
            - value: "\(issuer.issuer)"
        audience:
          allow_list:
            - value: "\(issuer.configuration.audience)"
        http:
          tokens:
            - type: jwt
              method: header
              name: Authorization
              prefix: "Bearer "
        jws:
          allowed_algorithms: [ES256]
          keys:
            sources:
              additional_jkus: ["\(issuer.jwksURL)"]
        jwtbench:
          key_cache: {strategy: \(strategy)}
        """
    }

    static func expectation(_ id: String, _ reason: ReasonCode?) -> String {
        let expect = reason.map { "{\"decision\":\"deny\",\"reason\":\"\($0.rawValue)\"}" } ?? "{\"decision\":\"allow\",\"reason\":null}"
        return "{\"id\":\"\(id)\",\"alg\":\"ES256\",\"now\":1767225600,\"expect\":\(expect)}"
    }

    /// Good, expired and foreign-key tokens with their expectations written beside them.
    static func tokenFiles(_ issuer: EmbeddedIssuer, in dir: URL, plantWrongExpectation: Bool = false) throws -> (String, String) {
        let now: Int64 = 1_767_225_600
        let attacker = try KeyGenerator.generate(for: .es256, kid: issuer.signingKid)
        var tokens: [String] = []
        var expected: [String] = []
        for i in 0..<6 {
            tokens.append(try issuer.token(now: now, subject: "user-\(i)"))
            expected.append(expectation("good-\(i)", plantWrongExpectation && i == 2 ? .expired : nil))
        }
        tokens.append(try issuer.token(now: now - 7200))
        expected.append(expectation("expired", .expired))
        // Same kid, same claims shape, signed with a key the issuer never published.
        let forged = try CompactJWS.sign(
            header: "{\"alg\":\"ES256\",\"kid\":\"\(issuer.signingKid)\"}",
            payload: "{\"iss\":\"\(issuer.issuer)\",\"aud\":\"\(issuer.configuration.audience)\",\"exp\":\(now + 60)}",
            with: try OpenSSLBackend().makeSigner(key: attacker, algorithm: .es256))
        tokens.append(forged)
        expected.append(expectation("forged", .signatureInvalid))
        let tokensPath = dir.appendingPathComponent("tokens.txt").path
        let expectedPath = dir.appendingPathComponent("expected.jsonl").path
        try Data((tokens.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: tokensPath))
        try Data((expected.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: expectedPath))
        return (tokensPath, expectedPath)
    }

    static func run(_ external: ExternalWorkload, noop: Bool = false) throws -> LoadRun.Outcome {
        let run = LoadRun(
            .init(
                algorithms: [.es256], mix: try WorkloadMix(parsing: "good=1"), mixSpec: "good=1", sizes: [.typical], threads: [2],
                options: LoadOptions(count: 400, warmupSeconds: 0, progress: false), seed: 1, corpusSize: 1, perAlgorithm: true,
                backend: AutoBackend(), runName: "policy-load", noopTarget: noop, external: external))
        return try run.execute(keySet: try TestKeySet.loadDefault()) { _ in }
    }

    @Test func aPolicyWithAdditionalJKUsDrivesTheLoadWithItsRemoteKeys() async throws {
        let issuer = try EmbeddedIssuer(configuration: IssuerConfiguration(algorithm: .es256))
        try await issuer.start()
        defer { issuer.stop() }
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (tokensPath, expectedPath) = try Self.tokenFiles(issuer, in: dir)
        for strategy in ["default", "ttl"] {
            let policy = try Policy.parse(Self.policyText(issuer, strategy: strategy))
            let sources = try PolicyKeySources(policy: policy)
            defer { sources.shutdown() }
            #expect(sources.prime(timeout: .seconds(5)).isEmpty)
            let tokens = try PolicyTokenSet.load(tokensPath: tokensPath, expectedPath: expectedPath)
            #expect(tokens.fromExpectations && tokens.now == 1_767_225_600 && tokens.items.count == 8)
            // Without expectations, series are labelled by each token's header alg.
            #expect(try PolicyTokenSet.load(tokensPath: tokensPath, expectedPath: nil).algorithms == ["ES256"])
            let outcome = try Self.run(.policy(policy, sources: sources, tokens: tokens, now: nil, source: tokensPath, policyName: "test"))
            let s = try #require(outcome.series.first).summary
            #expect(s.operations == 400)
            #expect(outcome.mismatches == 0, "\(outcome.series.first?.firstMismatches ?? [])")
            #expect(
                (s.countsByReason["allow"] ?? 0) > 0 && (s.countsByReason["expired"] ?? 0) > 0
                    && (s.countsByReason["signature_invalid"] ?? 0) > 0)
            // ES256 under `auto` goes where AutoBackend's measured routing table says.
            #expect(outcome.report.summary.series.first?.backendByAlgorithm["ES256"] == AutoBackend.preferred(for: .es256).rawValue)
        }
        #expect(issuer.jwksRequestCount >= 2)
    }

    /// `load --policy` runs the policy's key cache as a gateway does: started, so a token
    /// signed by a key published after priming (a JWKS swap) is refetched in the background,
    /// at most once per cooldown, and allowed from then on.
    @Test(arguments: ["refetch-unknown-kid, cooldown: 1", "default, cooldown: 1"])
    func loadPolicyStartsTheKeyCacheSoASwappedJWKSIsRefetched(strategy: String) async throws {
        let issuer = try EmbeddedIssuer(configuration: IssuerConfiguration(algorithm: .es256))
        try await issuer.start()
        defer { issuer.stop() }
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = try Policy.parse(Self.policyText(issuer, strategy: strategy))
        let sources = try LoadJob.keySources(for: policy, keyFiles: [], backend: nil, primeTimeout: .seconds(5)) { _ in }
        defer { sources.shutdown() }
        let remote = try #require(sources.remotes.first)
        #expect(issuer.jwksRequestCount == 1)
        // The JWKS is swapped after priming: the loaded set lacks the new key's kid.
        let rotation = try issuer.rotate(overlap: .zero)
        #expect(issuer.publishedKids == [rotation.newKid])
        let now: Int64 = 1_767_225_600
        let tokens = try (0..<4).map { try issuer.token(now: now, subject: "user-\($0)") }
        let tokensPath = dir.appendingPathComponent("tokens.txt").path
        try Data((tokens.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: tokensPath))
        let set = try PolicyTokenSet.load(tokensPath: tokensPath, expectedPath: nil)
        let workload = ExternalWorkload.policy(policy, sources: sources, tokens: set, now: now, source: tokensPath, policyName: "test")
        // The first miss signals the refresher; a started cache refetches well within 5 s.
        let swapped = Date()
        var allowed = false
        while !allowed && Date().timeIntervalSince(swapped) < 5 {
            workload.prepare()
            allowed = workload.validate(tokens[0], now).isAllowed
            if !allowed { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(allowed, "the new key was never fetched: \(remote.counters)")
        // Every token is expected to be allowed after the swap: no mismatch.
        let outcome = try Self.run(workload)
        #expect(outcome.mismatches == 0, "\(outcome.series.first?.firstMismatches ?? [])")
        // One cold start, one unknown-kid refetch: at most one per cooldown.
        let counters = remote.counters
        #expect(counters.fetchesByReason["unknown-kid"] == 1, "\(counters)")
        #expect(counters.fetches == 2 && issuer.jwksRequestCount == 2, "\(counters)")
    }

    @Test func aWrongExpectationInTheFileFailsTheRun() async throws {
        let issuer = try EmbeddedIssuer(configuration: IssuerConfiguration(algorithm: .es256))
        try await issuer.start()
        defer { issuer.stop() }
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (tokensPath, expectedPath) = try Self.tokenFiles(issuer, in: dir, plantWrongExpectation: true)
        let policy = try Policy.parse(Self.policyText(issuer, strategy: "default"))
        let sources = try PolicyKeySources(policy: policy)
        defer { sources.shutdown() }
        #expect(sources.prime(timeout: .seconds(5)).isEmpty)
        let tokens = try PolicyTokenSet.load(tokensPath: tokensPath, expectedPath: expectedPath)
        let outcome = try Self.run(.policy(policy, sources: sources, tokens: tokens, now: nil, source: tokensPath, policyName: "test"))
        #expect(outcome.mismatches == 50)
        #expect(outcome.series.first?.firstMismatches.first?.hasPrefix("good-2: expected expired, got allow") == true)
        // The no-op target answers the expectations themselves: the driver's own cost, no mismatch.
        let noop = try Self.run(
            .policy(policy, sources: sources, tokens: tokens, now: nil, source: tokensPath, policyName: "test"), noop: true)
        #expect(noop.mismatches == 0 && noop.series.first?.summary.operations == 400)
        #expect(noop.report.summary.configuration.extra["target"] == "noop")
    }

    @Test func badTokenAndExpectationFilesAreRefusedWithTheirName() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tokens = dir.appendingPathComponent("tokens.txt").path
        let expected = dir.appendingPathComponent("expected.jsonl").path
        try Data("a.b.c\nd.e.f\n".utf8).write(to: URL(fileURLWithPath: tokens))
        func refused(_ expectations: String?, mentioning text: String) {
            if let expectations { try? Data(expectations.utf8).write(to: URL(fileURLWithPath: expected)) }
            do {
                _ = try PolicyTokenSet.load(tokensPath: tokens, expectedPath: expectations == nil ? nil : expected)
                Issue.record("accepted \(expectations ?? "nil")")
            } catch let HarnessError.usage(message) {
                #expect(message.contains(text), "\(message)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        refused(Self.expectation("one", nil) + "\n", mentioning: "has 1 lines for the 2 tokens")
        refused(
            Self.expectation("a", nil) + "\n" + Self.expectation("b", nil).replacingOccurrences(of: "allow", with: "maybe") + "\n",
            mentioning: "line 2: unknown decision")
        refused(
            "{\"id\":\"a\",\"expect\":{\"decision\":\"deny\",\"reason\":\"nope\"}}\nnot json\n",
            mentioning: "line 1: a deny expectation needs a known reason code")
        do {
            _ = try PolicyTokenSet.load(tokensPath: dir.appendingPathComponent("missing.txt").path, expectedPath: nil)
            Issue.record("a missing file was accepted")
        } catch let HarnessError.usage(message) {
            #expect(message.contains("missing.txt"))
        }
        // Without expectations every token must be allowed, labelled by its line.
        let plain = try PolicyTokenSet.load(tokensPath: tokens, expectedPath: nil)
        #expect(!plain.fromExpectations && plain.items.map(\.id) == ["line-1", "line-2"] && plain.items.allSatisfy { $0.expected == nil })
    }

    @Test func theNoopTargetOverAMintedCorpusGivesTheDriversOwnCost() throws {
        let run = LoadRun(
            .init(
                algorithms: [.rs256], mix: try WorkloadMix(parsing: "good=0.5,bad=0.5"), mixSpec: "good=0.5,bad=0.5", sizes: [.typical],
                threads: [1], options: LoadOptions(count: 20_000, warmupSeconds: 0, progress: false), seed: 2, corpusSize: 64,
                perAlgorithm: true, backend: OpenSSLBackend(), runName: "noop", noopTarget: true))
        let outcome = try run.execute(keySet: try TestKeySet.loadDefault()) { _ in }
        let s = try #require(outcome.series.first).summary
        #expect(outcome.mismatches == 0 && s.operations == 20_000)
        #expect(s.countsByReason.count > 2)  // the expectations themselves, denies included
        #expect(s.backendByAlgorithm.isEmpty)  // nothing was verified
    }
}
