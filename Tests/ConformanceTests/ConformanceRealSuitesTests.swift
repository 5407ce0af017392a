import Conformance
import Foundation
import Reports
import Testing

/// The real validator over the real suites: everything as expected, with only the committed
/// expected failures, and every suite contributing cases (a wrong path or an empty file must
/// not pass silently).
@Suite("Conformance: the validator over the real suites")
struct ConformanceRealSuitesTests {
    @Test("the project's vectors all pass (no expected failure is needed there)")
    func projectVectors() throws {
        let catalog = try ConformanceFixtures.project.get()
        let run = ConformanceRunner(expectedFailures: try ConformanceFixtures.committedList()).run(catalog.cases)
        let counts = run.counts(for: "jwtbench")
        #expect(counts.total == catalog.cases.count)
        #expect(counts.total > 300)
        #expect(counts.passed == counts.total, "\(run.failures.map { "\($0.id): \($0.actual) \($0.detail ?? "")" })")
        #expect(run.succeeded)
    }

    @Test(
        "every suite runs, passes, and fails only on the committed list",
        .enabled(if: ConformanceFixtures.externalAvailable, ConformanceFixtures.skipNote))
    func everySuite() throws {
        let catalog = try ConformanceFixtures.everything.get()
        let list = try ConformanceFixtures.committedList()
        let run = ConformanceRunner(expectedFailures: list).run(catalog.cases)
        print(ConformanceConsoleReport.render(run))

        for failure in run.failures {
            Issue.record(
                "\(failure.status.rawValue) \(failure.id): expected \(failure.expected), actual \(failure.actual): \(failure.detail ?? "")")
        }
        #expect(run.staleEntries.isEmpty, "stale entries: \(run.staleEntries.map(\.caseID))")
        #expect(run.succeeded)
        // Each listed case really is an expected failure, and nothing else is.
        let expectedFailures = Set(run.results.filter { $0.status == .expectedFailure }.map(\.id))
        #expect(expectedFailures == Set(list.entries.map(\.caseID)))

        #expect(run.suites == ConformanceSuite.allCases.map(\.rawValue))
        for suite in ConformanceSuite.allCases {
            let counts = run.counts(for: suite.rawValue)
            #expect(counts.total - counts.skipped > 0, "\(suite): no case ran")
            #expect(counts.passed > 0, "\(suite): no case passed")
        }
        // Every Wycheproof JOSE test is a case, and all of them run (none is skipped).
        #expect(run.counts(for: "wycheproof-jws").total == 401)
        #expect(run.counts(for: "wycheproof-jws").skipped == 0)
        #expect(run.counts(for: "wycheproof-jwk").total == 26)
        #expect(run.counts(for: "wycheproof-jwk").skipped == 0)
        // RFC 7515: A.1-A.5 run (A.1-A.3 also after their exp, A.4 also as a JWT); A.6/A.7 skipped.
        let rfc7515 = Dictionary(uniqueKeysWithValues: run.results.filter { $0.suite == "rfc7515" }.map { ($0.id, $0.status) })
        for id in ["A.1", "A.2", "A.3", "A.4", "A.5", "A.1-expired", "A.2-expired", "A.3-expired", "A.4-as-jwt"] {
            #expect(rfc7515["rfc7515/\(id)"] == .passed, "rfc7515/\(id)")
        }
        #expect(rfc7515["rfc7515/A.6"] == .skipped && rfc7515["rfc7515/A.7"] == .skipped)
        // RFC 7520: the compact JWS examples and every key run; detached and JSON-only are skipped.
        let rfc7520 = Dictionary(uniqueKeysWithValues: run.results.filter { $0.suite == "rfc7520" }.map { ($0.id, $0.status) })
        for id in ["4.1", "4.2", "4.3", "4.4", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "rfc8037-A.4", "rfc7797-compact"] {
            #expect(rfc7520["rfc7520/\(id)"] == .passed, "rfc7520/\(id)")
        }
        for id in ["4.5", "4.6", "4.7", "4.8", "rfc7797-4.2"] {
            #expect(rfc7520["rfc7520/\(id)"] == .skipped, "rfc7520/\(id)")
        }
    }

    @Test("every skipped case says why", .enabled(if: ConformanceFixtures.externalAvailable, ConformanceFixtures.skipNote))
    func skipsHaveReasons() throws {
        let catalog = try ConformanceFixtures.everything.get()
        for c in catalog.cases {
            if case .skip(let why) = c.body { #expect(!why.isEmpty, "\(c.id)") }
        }
        // The primitive suite skips only what is not implemented or no JWS algorithm.
        let skipped = catalog.cases.filter { $0.suite == .wycheproofPrimitives && $0.isSkipped }
        #expect(skipped.allSatisfy { $0.tags.contains("ES256K") || $0.tags.contains("Ed448") || $0.id.contains("rsa_pss_misc") })
    }

    @Test("case ids are unique across suites")
    func uniqueIDs() throws {
        let catalog = try ConformanceFixtures.everything.get()
        #expect(Set(catalog.cases.map(\.id)).count == catalog.cases.count)
    }

    @Test("the committed expected-failure list loads, and every entry has a reason")
    func committedList() throws {
        let list = try ConformanceFixtures.committedList()
        #expect(!list.entries.isEmpty)
        for entry in list.entries {
            #expect(!entry.reason.trimmingCharacters(in: .whitespaces).isEmpty, "\(entry.caseID)")
        }
    }
}
