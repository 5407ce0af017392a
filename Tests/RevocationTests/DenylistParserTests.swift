import Foundation
import Revocation
import Testing

/// The file format: jti lines, sha256 lines, comments, blanks, whitespace; bad lines by number.
@Suite struct DenylistParserTests {
    static let hex = String(repeating: "ab", count: 32)

    @Test func readsJTIsHashesCommentsAndBlankLines() throws {
        let text = """
            # revoked on 2026-01-01
            jti-1

              jti-2\t
            sha256:\(Self.hex)
            sha256:\(Self.hex.uppercased())
            \r
            #sha256:not-a-hash (a comment)
            jti-1
            """
        let list = try DenylistParser.denylist(text)
        // jti-1 twice and the two spellings of one hash collapse.
        #expect(list.count == 3)
        #expect(list.jtiCount == 2)
        #expect(list.tokenCount == 1)
        #expect(list.contains(.jti("jti-1")))
        #expect(list.contains(.jti("jti-2")))
        #expect(!list.contains(.jti("  jti-2")))
        #expect(!list.contains(.jti("jti-3")))
    }

    @Test func aMalformedHashLineIsAnErrorNamingItsLine() {
        for bad in ["sha256:abc", "sha256:" + Self.hex + "00", "sha256:" + String(repeating: "zz", count: 32), "sha256:"] {
            let text = "# header\njti-1\n\n\(bad)\njti-2\n"
            #expect(
                throws: RevocationError(
                    path: "deny.txt", line: 4, "a sha256: entry needs exactly 64 hex digits (the SHA-256 of the compact token)")
            ) {
                try DenylistParser.denylist(text, path: "deny.txt")
            }
        }
    }

    @Test func lineNumbersCountAcrossTheChunksOfALargeFile() throws {
        // Over 1 MiB, so the parser splits the file across cores.
        var lines = (0..<60_000).map { "jti-\($0)-padding-padding" }
        lines[45_000] = "sha256:nothex"
        let text = lines.joined(separator: "\n") + "\n"
        #expect(text.utf8.count > 1 << 20)
        do {
            _ = try DenylistParser.denylist(text, path: "big.txt")
            Issue.record("a bad line was accepted")
        } catch {
            #expect(error.line == 45_001)
            #expect(error.description.hasPrefix("big.txt:45001: "))
        }
        lines[45_000] = "jti-replaced"
        let list = try DenylistParser.denylist(lines.joined(separator: "\n"), path: "big.txt")
        #expect(list.count == 60_000)
        #expect(list.contains(.jti("jti-0-padding-padding")))
        #expect(list.contains(.jti("jti-59999-padding-padding")))
        #expect(list.contains(.jti("jti-replaced")))
    }

    /// The fingerprints of `text` written to a file and read back in blocks of `block` bytes.
    static func streamed(_ text: String, block: Int) throws -> [RevocationFingerprint] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jwtbench-stream-\(UUID().uuidString).txt").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        return try DenylistParser.fingerprints(streaming: fd, sizeHint: text.utf8.count, path: "s.txt", block: block)
    }

    @Test func aStreamedReadParsesWhatAWholeReadParses() throws {
        // Lines of every length around the block sizes, one longer than any block, CRLF and
        // spaces, comments, no final line break: each block size cuts lines somewhere else.
        var lines = (0..<400).map { i in i % 7 == 0 ? "# note \(i)" : String(repeating: "j", count: i % 53) + "-\(i)" }
        lines[100] = "  sha256:\(Self.hex)\r"
        lines[200] = String(repeating: "long", count: 100)
        lines[300] = ""
        let text = lines.joined(separator: "\n")
        let whole = try Self.bytes(text) { try DenylistParser.fingerprints($0, path: "w.txt", threads: 1) }
        for block in [1, 2, 7, 16, 64, 255, 4096, 1 << 20] {
            #expect(try Self.streamed(text, block: block) == whole, "block \(block)")
            #expect(try Self.streamed(text + "\n", block: block) == whole, "block \(block), final line break")
        }
        // A bad line is named by its number in the whole file, whatever block it fell in.
        lines[377] = "sha256:zz"
        for block in [3, 64, 1000] {
            do {
                _ = try Self.streamed(lines.joined(separator: "\n"), block: block)
                Issue.record("a bad line was accepted (block \(block))")
            } catch let error as RevocationError {
                #expect(error.line == 378, "block \(block)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    static func bytes<R>(_ text: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        try Array(text.utf8).withUnsafeBytes { try body($0) }
    }

    @Test func emptyAndCommentOnlyFilesAreEmptyLists() throws {
        #expect(try DenylistParser.denylist("").count == 0)
        #expect(try DenylistParser.denylist("# nothing yet\n\n").count == 0)
        #expect(!Denylist.empty.contains(.jti("x")))
    }

    @Test func aMissingFileIsAnError() {
        #expect(throws: RevocationError.self) { try DenylistFile.load("/nonexistent/revoked.txt") }
    }
}
