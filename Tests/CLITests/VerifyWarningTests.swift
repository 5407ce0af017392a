import Foundation
import Testing

/// `verify` with keys that do not fit the policy: one summary warning line on stderr for all
/// the skipped keys, none with `--quiet`, and the same stdout and exit status either way.
@Suite struct VerifyWarningTests {
    /// The fixture's standard policy with RS256 as its only algorithm, so every other test key
    /// of the fixture's jwks.json is skipped.
    static func rs256OnlyPolicy(_ f: Fixture, in dir: URL) throws -> String {
        let yaml = try String(contentsOfFile: f.policy, encoding: .utf8)
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.contains("allowed_algorithms:") ? "  allowed_algorithms: [RS256]" : String(line)
        }
        let path = dir.appendingPathComponent("rs256-only.yaml").path
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func skippedKeysGiveOneWarningLine() throws {
        let f = try Fixture.get()
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = try Self.rs256OnlyPolicy(f, in: dir)
        let args = ["verify", "--policy", policy, "--keys", f.jwks, "--now", Fixture.now, f.goodToken]

        let loud = try CLI.run(args)
        #expect(loud.status == 0)
        #expect(loud.stdout.hasPrefix(#"{"decision":"allow","reason":null,"http_status":200,"alg":"RS256","tokens":"#))
        #expect(loud.stderrLines.count == 1, "\(loud.stderr)")
        let line = try #require(loud.stderrLines.first)
        #expect(line.hasPrefix("warning: "))
        #expect(line.contains(" keys skipped: "))
        #expect(line.contains("rs384-1 ("))
        #expect(line.hasSuffix(" more"))

        let quiet = try CLI.run(args + ["--quiet"])
        #expect(quiet.status == 0)
        #expect(quiet.stdout == loud.stdout)
        #expect(quiet.stderrLines.isEmpty, "\(quiet.stderr)")
    }
}
