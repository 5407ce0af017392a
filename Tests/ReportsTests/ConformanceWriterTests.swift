import Foundation
import Testing

@testable import Reports

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite struct ConformanceWriterTests {
    let results = [
        ConformanceCaseResult(
            suite: "jwtbench", id: "rs256-good", description: "a valid RS256 token", expected: "allow",
            actual: "allow", status: .passed),
        ConformanceCaseResult(
            suite: "jwtbench", id: "exp-past", description: "expired <by> 5 s & more", expected: "deny(expired)",
            actual: "allow", status: .failed, detail: "exp=\"1700000000\"\nnow=1700000005"),
        ConformanceCaseResult(
            suite: "wycheproof", id: "tc-12 #x", description: "DER signature", expected: "deny(signature_invalid)",
            actual: "deny(signature_invalid)", status: .unexpectedPass, detail: "listed as an expected failure"),
        ConformanceCaseResult(
            suite: "wycheproof", id: "tc-13", description: "P-521 edge", expected: "acceptable",
            actual: "-", status: .skipped, detail: "curve unsupported"),
        ConformanceCaseResult(
            suite: "rfc7520", id: "4.1", description: "cookbook RS256", expected: "allow",
            actual: "deny(key_not_found)", status: .expectedFailure, detail: "needs x5c"),
    ]

    @Test func junitParsesWithOneTestcasePerCase() throws {
        let xml = JUnitWriter.render(results)
        let document = try XMLDocument(data: Data(xml.utf8), options: [])
        let root = try #require(document.rootElement())
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "tests")?.stringValue == "5")
        #expect(root.attribute(forName: "failures")?.stringValue == "2")
        #expect(root.attribute(forName: "skipped")?.stringValue == "2")
        let suites = root.elements(forName: "testsuite")
        #expect(suites.compactMap { $0.attribute(forName: "name")?.stringValue } == ["jwtbench", "wycheproof", "rfc7520"])
        #expect(suites.compactMap { $0.attribute(forName: "failures")?.stringValue } == ["1", "1", "0"])
        let cases = try document.nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }
        #expect(cases.count == results.count)
        #expect(cases.compactMap { $0.attribute(forName: "name")?.stringValue } == results.map(\.id))
        #expect(cases.compactMap { $0.attribute(forName: "classname")?.stringValue } == results.map(\.suite))
        let failures = try document.nodes(forXPath: "//testcase/failure").compactMap { $0 as? XMLElement }
        #expect(failures.count == 2)
        #expect(failures[0].attribute(forName: "message")?.stringValue == "expected deny(expired), got allow")
        #expect(failures[0].stringValue?.contains("expired <by> 5 s & more") == true)
        #expect(failures[0].stringValue?.contains("exp=\"1700000000\"\nnow=1700000005") == true)
        #expect(try document.nodes(forXPath: "//testcase/skipped").count == 2)
    }

    @Test func tapIsVersion14WithDiagnostics() {
        let tap = TAPWriter.render(results)
        let lines = tap.split(separator: "\n").map(String.init)
        #expect(lines[0] == "TAP version 14")
        #expect(lines[1] == "1..5")
        #expect(lines[2] == "ok 1 - rs256-good")
        #expect(lines[3] == "not ok 2 - exp-past")
        #expect(lines[4] == "  ---")
        #expect(lines.contains("  expected: \"deny(expired)\""))
        #expect(lines.contains("  actual: \"allow\""))
        #expect(lines.contains("  detail: \"exp=\\\"1700000000\\\"\\nnow=1700000005\""))
        #expect(lines.contains("not ok 3 - tc-12 \\#x"))
        #expect(lines.contains("ok 4 - tc-13 # SKIP curve unsupported"))
        #expect(lines.contains("not ok 5 - 4.1 # TODO expected failure: needs x5c"))
        #expect(lines.filter { $0 == "  ..." }.count == 2)
        #expect(lines.filter { $0.hasPrefix("ok ") || $0.hasPrefix("not ok ") }.count == 5)
    }

    @Test func jsonIsKeyedByCaseIDWithSuiteCounts() throws {
        let data = try ConformanceJSON.encode(results)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["schema_version"] as? Int == ReportSchema.version)
        let cases = try #require(object["cases"] as? [String: [String: Any]])
        #expect(Set(cases.keys) == Set(results.map(\.id)))
        #expect(cases["exp-past"]?["status"] as? String == "failed")
        #expect(cases["4.1"]?["status"] as? String == "expected_failure")
        let suites = try #require(object["suites"] as? [String: [String: Int]])
        #expect(suites["wycheproof"] == ["total": 2, "passed": 0, "failed": 0, "skipped": 1, "expected_failure": 0, "unexpected_pass": 1])
        let summary = try #require(object["summary"] as? [String: Int])
        #expect(summary["total"] == 5 && summary["failed"] == 1)
        #expect(throws: ConformanceReportError.duplicateCaseID("4.1")) { try ConformanceJSON.encode(results + [results[4]]) }
    }
}
