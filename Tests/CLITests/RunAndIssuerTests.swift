import Foundation
import Testing

/// The commands whose exit 0 needs more than a command line: `run` (its report's sections) and
/// `issuer` (serves until interrupted).
@Suite struct RunAndIssuerTests {
    /// `run` on tiny durations: every step's heading, and one report folder with the load
    /// report and the conformance report beside it (the key-cache comparison is skipped: it
    /// takes 3 s per cell).
    @Test func runWritesOneReportWithItsSections() throws {
        let tmp = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let out = tmp.appendingPathComponent("run-test")
        let r = try CLI.run(
            [
                "run", "--algs", "HS256", "--duration", "50ms", "--warmup", "0s", "--skip-cache-compare",
                "--out", out.path,
            ], timeout: 120)
        #expect(r.status == 0, "stdout: \(r.stdout.suffix(2000))\nstderr: \(r.stderr)")
        let headings = r.stdoutLines.filter { $0.hasPrefix("== ") }.map { $0.split(separator: " ").prefix(3).joined(separator: " ") }
        #expect(headings == ["== mint", "== conformance", "== thread sweep", "== latency against", "== done in"])
        #expect(r.stdoutLines.last == "report: \(out.path)/index.html")
        for file in ["summary.json", "summary.md", "index.html", "latency.hlog", "conformance/junit.xml", "conformance/conformance.json"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file) is missing")
        }
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as? [String: Any]
        let series = (summary?["series"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(series.contains { $0.hasPrefix("HS256-closed-") }, "\(series)")
        // The latency-throughput curve: open loop at each share of the measured capacity.
        for share in ["30pct", "60pct", "85pct", "95pct"] {
            #expect(series.contains { $0.hasPrefix("HS256-open-") && $0.hasSuffix("t-\(share)") }, "\(series)")
        }
        let markdown = try String(contentsOf: out.appendingPathComponent("summary.md"), encoding: .utf8)
        #expect(markdown.contains("## Latency against offered load: HS256"))
        #expect(markdown.contains("p99 <= 1000 µs"))
        #expect(summary?["run_name"] as? String == "run-test")
    }

    /// `issuer` prints its URLs and a token, serves until SIGINT, then exits 0.
    @Test func issuerStopsCleanlyOnInterrupt() throws {
        let tmp = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let process = try CLI.start(["issuer", "--port", "0", "--alg", "ES256"], in: tmp)
        let stdout = tmp.appendingPathComponent("stdout")
        let deadline = Date().addingTimeInterval(30)
        var text = ""
        while Date() < deadline, process.isRunning, !text.contains("Ctrl-C to stop.") {
            Thread.sleep(forTimeInterval: 0.05)
            text = (try? String(contentsOf: stdout, encoding: .utf8)) ?? ""
        }
        #expect(text.contains("jwks:      http://127.0.0.1:"), "stdout: \(text)")
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        let final = (try? String(contentsOf: stdout, encoding: .utf8)) ?? ""
        #expect(final.contains("stopped after"), "stdout: \(final)")
    }
}
