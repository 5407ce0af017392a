import Foundation
import Revocation
import Testing

/// `jwtbench revoke`'s library side: entries for tokens and jtis, appended atomically.
@Suite struct RevocationFileWriterTests {
    @Test func tokensAreListedByJTIElseByHash() throws {
        let withJTI = RevocationFixture.token(jti: "abc-123")
        let withoutJTI = RevocationFixture.token(jti: nil)
        #expect(try RevocationFileWriter.entry(forToken: withJTI) == "abc-123")
        #expect(try RevocationFileWriter.entry(forToken: withoutJTI) == RevocationFixture.sha256Line(withoutJTI))
        // A jti a line cannot hold exactly is listed by hash instead.
        for awkward in [" padded", "#comment", "sha256:x", "two\nlines", ""] {
            let token = RevocationFixture.token(jti: awkward)
            #expect(try RevocationFileWriter.entry(forToken: token) == RevocationFixture.sha256Line(token), "\(awkward)")
            #expect(throws: RevocationError.self) { try RevocationFileWriter.entry(forJTI: awkward) }
        }
        #expect(throws: RevocationError.self) { try RevocationFileWriter.entry(forToken: "a b") }
    }

    @Test func revokeAppendsAndTheListReadsItBack() throws {
        let dir = RevocationFixture.directory()
        defer { RevocationFixture.remove(dir) }
        let path = dir + "/revoked.txt"
        let tokenFile = RevocationFixture.file(RevocationFixture.token(jti: "from-file") + "\n\n", name: "tokens.txt", in: dir)
        let bare = RevocationFixture.token(jti: nil)
        let added = try RevocationFileWriter.revoke(
            [.jti("jti-1"), .token(RevocationFixture.token(jti: "jti-2")), .token(bare), .tokenFile(tokenFile)], in: path)
        #expect(added == ["jti-1", "jti-2", RevocationFixture.sha256Line(bare), "from-file"])
        try RevocationFileWriter.revoke([.jti("jti-3")], in: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == (added + ["jti-3"]).joined(separator: "\n") + "\n")
        let (list, _) = try DenylistFile.load(path)
        #expect(list.count == 5)
        let validator = RevocationFixture.validator(RevocationList(list))
        #expect(validator.validate(token: bare, now: RevocationFixture.now).reason == .revoked)
        #expect(validator.validate(token: RevocationFixture.token(jti: "jti-3"), now: RevocationFixture.now).reason == .revoked)
        #expect(validator.validate(token: RevocationFixture.token(jti: "jti-4"), now: RevocationFixture.now).isAllowed)
        // Nothing but the list is left in the folder (the temporary file was renamed).
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["revoked.txt", "tokens.txt"])
    }

    @Test func aFileWithoutFinalNewlineGetsOneBeforeTheNewEntries() throws {
        let path = RevocationFixture.file("# list\njti-1")
        defer { RevocationFixture.remove(path) }
        try RevocationFileWriter.append(["jti-2"], to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "# list\njti-1\njti-2\n")
        #expect(throws: RevocationError.self) { try RevocationFileWriter.append(["# not an entry"], to: path) }
        #expect(throws: RevocationError.self) { try RevocationFileWriter.revoke([], in: path) }
    }
}
