import Foundation
import Reports

/// The console summary of a run: a table per suite (cases, run, passed, failed, skipped,
/// expected failures, unexpected passes), the acceptable outcomes, then every failure with
/// id, expected, actual and detail, and the verdict.
public enum ConformanceConsoleReport {
    /// The summary text of `run`, ending with `result: PASS` or `result: FAIL`.
    public static func render(_ run: ConformanceRun) -> String {
        var out = "conformance: engine \(run.engineName), crypto backend \(run.backendName)\n"
        let header = ["suite", "cases", "run", "passed", "failed", "skipped", "xfail", "xpass"]
        var rows: [[String]] = []
        for suite in run.suites {
            rows.append(row(suite, run.counts(for: suite)))
        }
        rows.append(row("total", run.counts))
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                column == 0
                    ? cell.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ") + "\n"
        }
        out += line(header)
        for (index, cells) in rows.enumerated() {
            if index == rows.count - 1 { out += String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1)) + "\n" }
            out += line(cells)
        }
        out += "(run = cases decided; xfail = expected failures on the committed list; xpass = listed cases that passed)\n"

        let acceptable = run.results.filter { $0.expected == ConformanceExpectation.acceptable.description && $0.status != .skipped }
        if !acceptable.isEmpty {
            let allowed = acceptable.filter { $0.actual == "allow" }.count
            out +=
                "acceptable cases: \(acceptable.count) (either decision passes): \(allowed) allowed, \(acceptable.count - allowed) denied\n"
        }
        let expected = run.results.filter { $0.status == .expectedFailure }
        if !expected.isEmpty {
            out += "\nexpected failures (\(expected.count)):\n"
            for r in expected { out += "  XFAIL \(r.id): expected \(r.expected), actual \(r.actual): \(r.detail ?? "")\n" }
        }
        let failures = run.failures
        if !failures.isEmpty {
            out += "\nfailures (\(failures.count)):\n"
            for r in failures {
                let label = r.status == .unexpectedPass ? "XPASS" : "FAIL"
                out += "  \(label) \(r.id): expected \(r.expected), actual \(r.actual)\n"
                if let detail = r.detail { out += "        detail: \(detail)\n" }
            }
        }
        if !run.staleEntries.isEmpty {
            out += "\nstale expected-failure entries (\(run.staleEntries.count)): no such case; remove them from the list:\n"
            for entry in run.staleEntries { out += "  STALE \(entry.caseID)\n" }
        }
        let counts = run.counts
        out +=
            run.succeeded
            ? "\nresult: PASS (\(counts.passed) passed, \(counts.expectedFailure) expected failures, \(counts.skipped) skipped)\n"
            : "\nresult: FAIL (\(counts.failed) failed, \(counts.unexpectedPass) unexpected passes, \(run.staleEntries.count) stale entries)\n"
        return out
    }

    static func row(_ name: String, _ c: ConformanceCounts) -> [String] {
        [
            name, "\(c.total)", "\(c.total - c.skipped)", "\(c.passed)", "\(c.failed)", "\(c.skipped)", "\(c.expectedFailure)",
            "\(c.unexpectedPass)",
        ]
    }

    /// The `--list` text: one line per case (id, expected decision, tags, description or why
    /// it is skipped), then the count.
    public static func list(_ cases: [ConformanceCase]) -> String {
        var out = ""
        for c in cases {
            var line = "\(c.id)  \(c.expectation)  [\(c.tags.joined(separator: ","))]  \(c.description)"
            if case .skip(let why) = c.body { line += "  (skipped: \(why))" }
            out += line + "\n"
        }
        out += "\(cases.count) cases\n"
        return out
    }
}
