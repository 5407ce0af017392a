import Conformance
import Foundation
import Reports
import Testing

/// The outputs CI reads: JUnit well-formed with one testcase per case, the JSON index with one
/// entry per case, TAP with one test point per case.
@Suite("Conformance: outputs")
struct ConformanceOutputTests {
    /// Made once: it runs the real validator over every loaded suite.
    static let mixed = Result { try mixedRun() }

    /// A run with every status: the real validator over the loaded suites plus scripted cases
    /// that are skipped, listed, and listed-but-passing.
    static func mixedRun() throws -> ConformanceRun {
        let catalog = try ConformanceFixtures.everything.get()
        var list = try ConformanceFixtures.committedList().entries
        list.append(.init(suite: "jwtbench", caseID: "jwtbench/x-listed-fails", reason: "scripted expected failure"))
        list.append(.init(suite: "jwtbench", caseID: "jwtbench/x-listed-passes", reason: "scripted, passes <&> \"quoted\""))
        let scripted = [
            ScriptedEngine.scriptedCase("x-listed-fails", expect: .allow),
            ScriptedEngine.scriptedCase("x-listed-passes", expect: .deny(nil)),
            ConformanceCase(
                suite: .jwtbench, localID: "x-skipped <&>", description: "skipped & \"escaped\"", tags: [],
                expectation: .allow, body: .skip("not run: <reason> & \"quotes\"")),
        ]
        let runner = ConformanceRunner(expectedFailures: try ConformanceExpectedFailures(entries: list))
        let real = runner.run(catalog.cases)
        // The scripted cases need the scripted engine; their results are appended to the real ones.
        let scriptedRun = ConformanceRunner(
            engine: ScriptedEngine(answers: [
                "x-listed-fails": .deny(.signatureInvalid, "scripted"), "x-listed-passes": .deny(.expired, "scripted"),
            ]),
            expectedFailures: try ConformanceExpectedFailures(entries: list)
        ).run(scripted)
        return ConformanceRun(
            results: real.results + scriptedRun.results, staleEntries: [], engineName: "validator", backendName: "openssl")
    }

    @Test("JUnit is well-formed XML with one testcase per case, in the right suite, with the right outcome")
    func junit() throws {
        let run = try Self.mixed.get()
        let document = try JUnitDocument.parse(JUnitWriter.render(run.results))
        #expect(document.testcases.count == run.results.count)
        #expect(document.rootTests == run.results.count)
        #expect(Set(document.testcases.map(\.name)).count == run.results.count)
        let byName = Dictionary(uniqueKeysWithValues: document.testcases.map { ($0.name, $0) })
        for r in run.results {
            let testcase = try #require(byName[r.id], "\(r.id) has no testcase")
            #expect(testcase.classname == r.suite)
            switch r.status {
            case .passed: #expect(testcase.outcome == nil, "\(r.id)")
            case .skipped, .expectedFailure: #expect(testcase.outcome == "skipped", "\(r.id)")
            case .failed, .unexpectedPass: #expect(testcase.outcome == "failure", "\(r.id)")
            }
        }
        #expect(byName["jwtbench/x-listed-passes"]?.outcome == "failure")
        #expect(byName["jwtbench/x-skipped <&>"]?.outcome == "skipped")
        for suite in run.suites {
            #expect(document.suites[suite]?.tests == run.counts(for: suite).total, "\(suite)")
        }
    }

    @Test("the JSON index has one entry per case, keyed by id, and per-suite counts")
    func json() throws {
        let run = try Self.mixed.get()
        let data = try ConformanceJSON.encode(run.results)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let cases = try #require(object["cases"] as? [String: [String: Any]])
        #expect(cases.count == run.results.count)
        #expect(Set(cases.keys) == Set(run.results.map(\.id)))
        for r in run.results {
            #expect(cases[r.id]?["status"] as? String == r.status.rawValue, "\(r.id)")
            #expect(cases[r.id]?["expected"] as? String == r.expected, "\(r.id)")
            #expect(cases[r.id]?["actual"] as? String == r.actual, "\(r.id)")
        }
        let suites = try #require(object["suites"] as? [String: [String: Any]])
        #expect(Set(suites.keys) == Set(run.suites))
    }

    @Test("TAP 14 has the plan and one test point per case")
    func tap() throws {
        let run = try Self.mixed.get()
        let lines = TAPWriter.render(run.results).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "TAP version 14")
        #expect(lines.dropFirst().first == "1..\(run.results.count)")
        let points = lines.filter { $0.hasPrefix("ok ") || $0.hasPrefix("not ok ") }
        #expect(points.count == run.results.count)
    }

    @Test("the console summary shows per-suite counts and names each failure with expected, actual and detail")
    func console() throws {
        let cases = [
            ScriptedEngine.scriptedCase("a", expect: .allow),
            ScriptedEngine.scriptedCase("b", expect: .deny(.expired)),
            ScriptedEngine.scriptedCase("c", suite: .rfc7515, expect: .acceptable),
        ]
        let engine = ScriptedEngine(answers: ["a": .allow(), "b": .allow("verified HS256"), "c": .deny(.signatureInvalid, "bad")])
        let run = ConformanceRunner(engine: engine).run(cases)
        let text = ConformanceConsoleReport.render(run)
        #expect(text.contains("jwtbench"))
        #expect(text.contains("rfc7515"))
        #expect(text.contains("FAIL jwtbench/b: expected deny(expired), actual allow"))
        #expect(text.contains("detail: verified HS256"))
        #expect(text.contains("acceptable cases: 1"))
        #expect(text.contains("result: FAIL"))
        #expect(!text.contains("FAIL jwtbench/a"))
    }
}
