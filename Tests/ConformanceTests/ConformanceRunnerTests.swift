import Conformance
import Foundation
import JOSECrypto
import JWTValidation
import Reports
import Testing

/// How the runner judges decisions: expectations, the expected-failure list (which can only
/// shrink), acceptable cases, skips and filters.
@Suite("Conformance: judging, expected failures, filters")
struct ConformanceRunnerTests {
    static let cases = [
        ScriptedEngine.scriptedCase("allowed", expect: .allow, tags: ["good", "RS256"]),
        ScriptedEngine.scriptedCase("denied-any", expect: .deny(nil), tags: ["bad", "RS256"]),
        ScriptedEngine.scriptedCase("denied-exact", expect: .deny(.expired), tags: ["bad", "ES256"]),
        ScriptedEngine.scriptedCase("either", suite: .wycheproofJWS, expect: .acceptable, tags: ["acceptable"]),
    ]

    static let correct = ScriptedEngine(answers: [
        "allowed": .allow(), "denied-any": .deny(.signatureInvalid, "x"), "denied-exact": .deny(.expired, "x"),
        "either": .deny(.signatureInvalid, "x"),
    ])

    @Test("decisions that meet their expectations pass")
    func allPass() {
        let run = ConformanceRunner(engine: Self.correct).run(Self.cases)
        #expect(run.succeeded)
        #expect(run.results.allSatisfy { $0.status == .passed })
        #expect(run.results.map(\.expected) == ["allow", "deny", "deny(expired)", "acceptable"])
    }

    @Test("a deny with the wrong reason fails an exact expectation but meets a deny with any reason")
    func reasons() {
        let engine = ScriptedEngine(answers: [
            "allowed": .allow(), "denied-any": .deny(.keyNotFound, "x"), "denied-exact": .deny(.notYetValid, "not yet"),
            "either": .allow(),
        ])
        let run = ConformanceRunner(engine: engine).run(Self.cases)
        #expect(!run.succeeded)
        #expect(run.failures.map(\.id) == ["jwtbench/denied-exact"])
        #expect(run.failures.first?.actual == "deny(not_yet_valid)")
        #expect(run.failures.first?.detail == "not yet")
    }

    @Test("acceptable passes with either decision and records which")
    func acceptable() {
        for answer in [ConformanceDecision.allow(), .deny(.signatureInvalid, "x")] {
            let run = ConformanceRunner(engine: ScriptedEngine(answers: ["either": answer])).run([Self.cases[3]])
            #expect(run.results.first?.status == .passed)
            #expect(run.results.first?.actual == answer.description)
            #expect(run.results.first?.detail?.hasPrefix("acceptable") == true)
        }
    }

    @Test("a listed case that fails is an expected failure with its reason; the run passes")
    func expectedFailure() throws {
        let list = try ConformanceExpectedFailures(entries: [.init(suite: "jwtbench", caseID: "jwtbench/allowed", reason: "known bug")])
        let engine = ScriptedEngine(answers: [
            "allowed": .deny(.signatureInvalid, "sig"), "denied-any": .deny(.signatureInvalid, "x"),
            "denied-exact": .deny(.expired, "x"), "either": .allow(),
        ])
        let run = ConformanceRunner(engine: engine, expectedFailures: list).run(Self.cases)
        #expect(run.succeeded)
        let result = try #require(run.results.first { $0.id == "jwtbench/allowed" })
        #expect(result.status == .expectedFailure)
        #expect(result.detail?.hasPrefix("known bug") == true)
        #expect(run.counts.expectedFailure == 1)
    }

    @Test("a listed case that passes is an unexpected pass and fails the run")
    func unexpectedPass() throws {
        let list = try ConformanceExpectedFailures(entries: [.init(suite: "jwtbench", caseID: "jwtbench/allowed", reason: "was a bug")])
        let run = ConformanceRunner(engine: Self.correct, expectedFailures: list).run(Self.cases)
        #expect(!run.succeeded)
        #expect(run.failures.map(\.id) == ["jwtbench/allowed"])
        #expect(run.failures.first?.status == .unexpectedPass)
        let junit = try JUnitDocument.parse(JUnitWriter.render(run.results))
        #expect(junit.failedNames == ["jwtbench/allowed"])
    }

    @Test("a timing-dependent entry (read from the file) accepts a pass and a failure, and nothing else changes")
    func timingDependent() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("xf-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
        {"schema": "jwtbench-expected-failures/1", "expected_failures": [
          {"suite": "jwtbench", "case": "jwtbench/allowed", "reason": "exp boundary", "timing_dependent": true},
          {"suite": "jwtbench", "case": "jwtbench/denied-exact", "reason": "plain"}]}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let list = try ConformanceExpectedFailures.load(path: path)
        #expect(list.entries.map(\.timingDependent) == [true, nil])
        let passing = ConformanceRunner(engine: Self.correct, expectedFailures: list).run(Self.cases)
        #expect(passing.results.first { $0.id == "jwtbench/allowed" }?.status == .passed)
        #expect(passing.results.first { $0.id == "jwtbench/allowed" }?.detail?.contains("timing-dependent (exp boundary)") == true)
        // The plain entry is still judged as before: it passed, so the run fails on it alone.
        #expect(passing.failures.map(\.id) == ["jwtbench/denied-exact"])
        let engine = ScriptedEngine(answers: [
            "allowed": .deny(.expired, "x"), "denied-any": .deny(.signatureInvalid, "x"), "denied-exact": .allow(), "either": .allow(),
        ])
        let failing = ConformanceRunner(engine: engine, expectedFailures: list).run(Self.cases)
        #expect(failing.succeeded)
        #expect(failing.results.first { $0.id == "jwtbench/allowed" }?.status == .expectedFailure)
    }

    @Test("an entry naming no case of a loaded suite is stale and fails the run; other suites' entries are not judged")
    func staleEntries() throws {
        let list = try ConformanceExpectedFailures(entries: [
            .init(suite: "jwtbench", caseID: "jwtbench/renamed-away", reason: "gone"),
            .init(suite: "rfc7520", caseID: "rfc7520/4.1", reason: "suite not loaded here"),
        ])
        let run = ConformanceRunner(engine: Self.correct, expectedFailures: list).run(Self.cases)
        #expect(!run.succeeded)
        #expect(run.staleEntries.map(\.caseID) == ["jwtbench/renamed-away"])
        #expect(ConformanceConsoleReport.render(run).contains("STALE jwtbench/renamed-away"))
    }

    @Test("the list's rules: a reason, a known suite, an id inside it, each case once")
    func listRules() throws {
        #expect(throws: ConformanceError.self) {
            try ConformanceExpectedFailures(entries: [.init(suite: "jwtbench", caseID: "jwtbench/a", reason: "  ")])
        }
        #expect(throws: ConformanceError.self) {
            try ConformanceExpectedFailures(entries: [.init(suite: "nope", caseID: "nope/a", reason: "r")])
        }
        #expect(throws: ConformanceError.self) {
            try ConformanceExpectedFailures(entries: [.init(suite: "rfc7515", caseID: "jwtbench/a", reason: "r")])
        }
        #expect(throws: ConformanceError.self) {
            try ConformanceExpectedFailures(entries: [
                .init(suite: "jwtbench", caseID: "jwtbench/a", reason: "r"),
                .init(suite: "jwtbench", caseID: "jwtbench/a", reason: "r"),
            ])
        }
        // A file with an empty reason is refused when loaded.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("xfail-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(
            """
            {"schema": "jwtbench-expected-failures/1", "expected_failures": [{"suite": "jwtbench", "case": "jwtbench/a", "reason": ""}]}
            """.utf8
        ).write(to: URL(fileURLWithPath: path))
        #expect(throws: ConformanceError.self) { try ConformanceExpectedFailures.load(path: path) }
    }

    @Test("skipped cases are not decided and say why")
    func skipped() {
        let c = ConformanceCase(
            suite: .rfc7515, localID: "A.6", description: "json", tags: [], expectation: .allow,
            body: .skip("JSON serialization"))
        let run = ConformanceRunner(engine: ConformanceAllowAllDouble()).run([c])
        #expect(run.results.first?.status == .skipped)
        #expect(run.results.first?.detail == "JSON serialization")
        #expect(run.succeeded)
    }

    @Test("filters: suites, case ids and tags (all must match); a filter matching nothing is a usage error")
    func filters() throws {
        #expect(try ConformanceFilter(tags: ["bad"]).select(Self.cases).map(\.id) == ["jwtbench/denied-any", "jwtbench/denied-exact"])
        #expect(try ConformanceFilter(tags: ["bad", "ES256"]).select(Self.cases).map(\.id) == ["jwtbench/denied-exact"])
        #expect(try ConformanceFilter(suites: [.wycheproofJWS]).select(Self.cases).map(\.id) == ["wycheproof-jws/either"])
        #expect(try ConformanceFilter(caseIDs: ["jwtbench/allowed"]).select(Self.cases).count == 1)
        #expect(ConformanceFilter(caseIDs: ["rfc7520/4.1"]).suitesToLoad == [.rfc7520])
        #expect(throws: ConformanceError.self) { try ConformanceFilter(caseIDs: ["jwtbench/nope"]).select(Self.cases) }
        #expect(throws: ConformanceError.self) { try ConformanceFilter(tags: ["no-such-tag"]).select(Self.cases) }
        #expect(try ConformanceFilter().select(Self.cases).count == Self.cases.count)
        #expect((try? ConformanceSuite.parseList(["wycheproof-jws,rfc7515"]).get()) == [.wycheproofJWS, .rfc7515])
        #expect((try? ConformanceSuite.parseList(["bogus"]).get()) == nil)
    }

    @Test("a key's trusted algorithms: its JWS alg, else every algorithm of its key type")
    func keyAlgorithms() {
        #expect(ConformanceSetup.algorithms(for: JWK(kty: "EC", alg: "ES256", crv: "P-256")) == [.es256])
        #expect(ConformanceSetup.algorithms(for: JWK(kty: "EC", alg: "ES521", crv: "P-521")) == [.es256, .es384, .es512])
        #expect(ConformanceSetup.algorithms(for: JWK(kty: "RSA")) == [.rs256, .rs384, .rs512, .ps256, .ps384, .ps512])
        #expect(ConformanceSetup.algorithms(for: JWK(kty: "oct", alg: "A256GCM")) == [.hs256, .hs384, .hs512])
        #expect(ConformanceSetup.algorithms(for: [JWK(kty: "oct", alg: "HS256"), JWK(kty: "EC", alg: "ES256")]) == [.hs256, .es256])
    }
}
