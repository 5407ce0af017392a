import ArgumentParser
import Measurement
import Revocation

struct RevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Add tokens to a denylist file (jwtbench.revocation): by jti, else by sha256 of the token; atomically (temp + rename).")

    @Option(name: .customLong("list"), help: "The denylist file (created if needed).")
    var list: String
    @Option(name: .customLong("jti"), help: "A jti to revoke (repeatable).")
    var jtis: [String] = []
    @Option(name: .customLong("token"), help: "A compact token to revoke (repeatable).")
    var tokens: [String] = []
    @Option(name: .customLong("token-file"), help: "A file of compact tokens to revoke, one per line (repeatable).")
    var tokenFiles: [String] = []

    func run() throws {
        let subjects = jtis.map { .jti($0) } + tokens.map { .token($0) } + tokenFiles.map { RevocationFileWriter.Subject.tokenFile($0) }
        do { for line in try RevocationFileWriter.revoke(subjects, in: list) { print(line) } } catch {
            throw HarnessError.usage("\(error)")
        }
    }
}
