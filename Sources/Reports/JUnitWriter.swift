/// JUnit XML for CI systems (Jenkins, GitLab, GitHub test reporters): one `<testsuite>` per
/// conformance suite, one `<testcase name="id" classname="suite">` per case.
///
/// Failed cases and unexpected passes carry `<failure message=... type=...>`; skipped cases
/// and expected failures carry `<skipped message=.../>` (JUnit has no "expected failure": it
/// is visible without failing the build, and the message gives the allowlist's reason).
public enum JUnitWriter {
    /// The JUnit XML document of `results`, suites in order of first appearance.
    public static func render(_ results: [ConformanceCaseResult], name: String = "jwtbench conformance") -> String {
        var suites: [String] = []
        var bySuite: [String: [ConformanceCaseResult]] = [:]
        for result in results {
            if bySuite[result.suite] == nil { suites.append(result.suite) }
            bySuite[result.suite, default: []].append(result)
        }
        let all = ConformanceCounts(results)
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"\(a(name))\" tests=\"\(all.total)\" failures=\"\(all.failures)\" errors=\"0\" "
        xml += "skipped=\"\(all.skipped + all.expectedFailure)\">\n"
        for suite in suites {
            let cases = bySuite[suite] ?? []
            let counts = ConformanceCounts(cases)
            xml += "  <testsuite name=\"\(a(suite))\" tests=\"\(counts.total)\" failures=\"\(counts.failures)\" errors=\"0\" "
            xml += "skipped=\"\(counts.skipped + counts.expectedFailure)\">\n"
            for result in cases { xml += testcase(result) }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return xml
    }

    static func testcase(_ r: ConformanceCaseResult) -> String {
        let open = "    <testcase name=\"\(a(r.id))\" classname=\"\(a(r.suite))\""
        switch r.status {
        case .passed:
            return open + "/>\n"
        case .skipped:
            return open + ">\n      <skipped message=\"\(a(r.detail ?? "skipped"))\"/>\n    </testcase>\n"
        case .expectedFailure:
            let message = "expected failure: " + (r.detail ?? "listed as an expected failure")
            return open + ">\n      <skipped message=\"\(a(message))\"/>\n    </testcase>\n"
        case .failed, .unexpectedPass:
            let message =
                r.status == .failed
                ? "expected \(r.expected), got \(r.actual)"
                : "passed but listed as an expected failure; remove it from the list"
            var body = "\(r.description)\nexpected: \(r.expected)\nactual: \(r.actual)"
            if let detail = r.detail { body += "\ndetail: \(detail)" }
            return open
                + ">\n      <failure message=\"\(a(message))\" type=\"\(r.status.rawValue)\">\(XMLEscape.text(body))</failure>\n    </testcase>\n"
        }
    }

    static func a(_ text: String) -> String { XMLEscape.attribute(text) }
}
