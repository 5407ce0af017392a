import Foundation
import Testing

/// `echo` serves and records until interrupted; `conform --target` against it (a "gateway" that
/// forwards everything) exits 1 and names the deny cases.
@Suite struct EchoCommandTests {
    @Test func conformAgainstAnAllowAllTargetFailsAndEchoStopsCleanly() throws {
        let tmp = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let record = tmp.appendingPathComponent("record.jsonl").path
        let process = try CLI.start(["echo", "--listen", "127.0.0.1:0", "--record", record], in: tmp)
        let stdout = tmp.appendingPathComponent("stdout")
        let deadline = Date().addingTimeInterval(30)
        var text = ""
        while Date() < deadline, process.isRunning, !text.contains("\n") {
            Thread.sleep(forTimeInterval: 0.05)
            text = (try? String(contentsOf: stdout, encoding: .utf8)) ?? ""
        }
        let url = try #require(text.split(separator: " ").dropFirst().first.map { String($0.prefix { $0 != "," && $0 != "\n" }) })
        #expect(url.hasPrefix("http://127.0.0.1:"), "stdout: \(text)")

        let junit = tmp.appendingPathComponent("c.xml").path
        let r = try CLI.run([
            "conform", "--target", "standard=\(url)", "--target", "body-token=\(url)", "--echo-listen", "127.0.0.1:0",
            "--gateway-profile", "generic", "--junit", junit, "--json", junit + ".json",
        ])
        #expect(r.status == 1, "stdout: \(r.stdout)\nstderr: \(r.stderr)")
        #expect(r.stderrLines.first?.contains("unexpected results") == true, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("result: FAIL"), "stdout: \(r.stdout)")
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains("jwtbench/token-missing/RS256/typical") && xml.contains("<failure"))

        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        // Every case of the two policies went to the "gateway" (the echo server), once each.
        let index = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: junit + ".json"))) as? [String: Any])
        let cases = try #require(index["cases"] as? [String: [String: Any]])
        let sent = cases.values.filter { $0["status"] as? String != "skipped" }.count
        #expect(sent > 100)
        let final = (try? String(contentsOf: stdout, encoding: .utf8)) ?? ""
        #expect(final.contains("stopped after \(sent) requests"), "stdout: \(final)")
        let lines = try String(contentsOfFile: record, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == sent)
        #expect(lines.allSatisfy { $0.contains("X-Jwtbench-Case") })
    }
}
