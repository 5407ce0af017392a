import Foundation
import Testing

/// `jwtbench revoke` and the minted denylist, end to end through the binary: `mint --out`
/// writes the `revoked` policy with its denylist, `verify` denies the revoked cases, and a
/// token added by `revoke` is denied by the next `verify`.
@Suite struct RevokeCommandTests {
    static let now = "1700000000"

    @Test func mintVerifyRevokeRoundTrip() throws {
        let tmp = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let out = tmp.appendingPathComponent("mint")
        let minted = try CLI.run([
            "mint", "--out", out.path, "--now", Self.now, "--algs", "HS256", "--threads", "1",
            "--variants", "revoked-jti,revoked-token-hash,good-jti-not-revoked",
        ])
        #expect(minted.status == 0, "\(minted.stderr)")
        let folder = out.appendingPathComponent("revoked")
        let list = folder.appendingPathComponent("revoked.txt").path
        #expect(FileManager.default.fileExists(atPath: list))
        let tokens = try String(contentsOf: folder.appendingPathComponent("tokens.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(tokens.count == 3)
        let verify = [
            "verify", "--policy", folder.appendingPathComponent("policy.yaml").path, "--keys",
            out.appendingPathComponent("jwks.json").path, "--now", Self.now,
        ]
        let before = try CLI.run(verify + tokens)
        #expect(before.status == 0, "\(before.stderr)")
        let reasons = before.stdoutLines.map { line in
            line.contains("\"decision\":\"allow\"") ? "allow" : line.contains("\"reason\":\"revoked\"") ? "revoked" : line
        }
        #expect(reasons == ["revoked", "revoked", "allow"])

        let revoked = try CLI.run(["revoke", "--list", list, "--token", tokens[2]])
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(revoked.stdoutLines == ["jwtbench-catalogue-live-jti"])
        let after = try CLI.run(verify + [tokens[2]])
        #expect(after.stdoutLines.count == 1)
        #expect(after.stdoutLines.first?.contains("\"reason\":\"revoked\"") == true)
        #expect(after.stdoutLines.first?.contains("\"http_status\":401") == true)
    }

    @Test func usageAndConfigurationErrorsExitTwo() throws {
        let tmp = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let list = tmp.appendingPathComponent("revoked.txt").path
        let nothing = try CLI.run(["revoke", "--list", list])
        #expect(nothing.status == 2)
        #expect(nothing.stderrLines.first?.contains("--jti") == true)
        let comment = try CLI.run(["revoke", "--list", list, "--jti", "#x"])
        #expect(comment.status == 2)
        let jti = try CLI.run(["revoke", "--list", list, "--jti", "abc", "--jti", "def"])
        #expect(jti.status == 0)
        #expect(try String(contentsOfFile: list, encoding: .utf8) == "abc\ndef\n")
        let missing = try CLI.run(["revoke", "--list", list, "--token-file", tmp.appendingPathComponent("absent").path])
        #expect(missing.status == 2)
    }
}
