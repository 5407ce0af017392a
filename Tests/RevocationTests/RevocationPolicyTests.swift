import Foundation
import Policy
import Revocation
import Testing

/// `jwtbench.revocation` in a policy: parsed strictly, the file read when the policy is used.
@Suite struct RevocationPolicyTests {
    static func config(_ revocation: String) -> String {
        """
        issuer:
          allow_list:
            - value: https://issuer.example/
        http: {tokens: [{type: jwt, method: header, name: Authorization, prefix: "Bearer "}]}
        jws:
          allowed_algorithms: [HS256]
        jwtbench:
          revocation:
        \(revocation)
        """
    }

    static func expectError(_ field: String, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let policy = try Policy.parse(text, baseDirectory: "/etc/jwtbench")
            Issue.record("expected an error for \(field), parsed \(String(describing: policy.revocation))", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == "ERR_NGROK_7171", "\(error)", sourceLocation: sourceLocation)
            #expect(error.field == field, "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func fileIsRelativeToThePolicyAndTheIntervalDefaultsToFiveSeconds() throws {
        let policy = try Policy.parse(Self.config("    file: lists/revoked.txt"), baseDirectory: "/etc/jwtbench")
        #expect(policy.revocation == RevocationSettings(file: "/etc/jwtbench/lists/revoked.txt", reloadInterval: .seconds(5)))
        let absolute = try Policy.parse(Self.config("    file: /var/revoked.txt\n    reload_interval: 250ms"), baseDirectory: "/etc")
        #expect(absolute.revocation == RevocationSettings(file: "/var/revoked.txt", reloadInterval: .milliseconds(250)))
        let seconds = try Policy.parse(Self.config("    file: r.txt\n    reload_interval: 30"))
        #expect(seconds.revocation?.reloadInterval == .seconds(30))
        let without = Self.config("").components(separatedBy: "jwtbench:")[0]
        #expect(try Policy.parse(without).revocation == nil)
    }

    @Test func badSettingsAreErrorsNamingTheField() {
        Self.expectError("jwtbench.revocation.reload", Self.config("    file: r.txt\n    reload: 5s"))
        Self.expectError("jwtbench.revocation.file", Self.config("    reload_interval: 5s"))
        Self.expectError("jwtbench.revocation.file", Self.config("    file: \"\""))
        Self.expectError("jwtbench.revocation.file", Self.config("    file: [a, b]"))
        Self.expectError("jwtbench.revocation.reload_interval", Self.config("    file: r.txt\n    reload_interval: soon"))
        Self.expectError("jwtbench.revocation.reload_interval", Self.config("    file: r.txt\n    reload_interval: 0s"))
        Self.expectError("jwtbench.revocation.reload_interval", Self.config("    file: r.txt\n    reload_interval: [5]"))
        Self.expectError("jwtbench.revocation", Self.config("    - r.txt"))
    }

    @Test func aMissingOrMalformedFileIsAConfigurationErrorWhenThePolicyIsLoaded() throws {
        let dir = RevocationFixture.directory()
        defer { RevocationFixture.remove(dir) }
        let policyPath = dir + "/policy.yaml"
        try Data(Self.config("    file: revoked.txt").utf8).write(to: URL(fileURLWithPath: policyPath))
        let policy = try Policy.load(path: policyPath)
        #expect(policy.revocation?.file == dir + "/revoked.txt")
        do {
            _ = try policy.loadRevocation()
            Issue.record("a missing denylist was accepted")
        } catch {
            #expect(error.code == "ERR_NGROK_7171")
            #expect(error.field == "jwtbench.revocation.file")
            #expect(error.description.contains(dir + "/revoked.txt"))
        }
        _ = RevocationFixture.file("jti-1\nsha256:00\n", in: dir)
        do {
            _ = try policy.loadRevocation()
            Issue.record("a malformed denylist was accepted")
        } catch {
            #expect(error.field == "jwtbench.revocation.file")
            #expect(error.description.contains("revoked.txt:2:"))
        }
        _ = RevocationFixture.file("jti-1\n", in: dir)
        let reloader = try #require(try policy.loadRevocation())
        #expect(reloader.list.current.count == 1)
        #expect(reloader.interval == .seconds(5))
    }
}
