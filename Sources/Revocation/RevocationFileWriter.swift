import Foundation
import JOSECrypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Adds entries to a denylist file (`jwtbench revoke`): the file is rewritten whole to a
/// temporary file beside it and renamed over it, so a watcher reads either the old file or
/// the new one, never half of one.
public enum RevocationFileWriter {
    /// The line that revokes `token`: its `jti` when it has one a line can hold exactly, else
    /// `sha256:` and the hex SHA-256 of its bytes.
    /// - Throws: `RevocationError` when the text cannot be a compact token (empty, or with
    ///   whitespace inside).
    public static func entry(forToken token: String, source: String = "token") throws(RevocationError) -> String {
        let trimmed = token.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, !trimmed.unicodeScalars.contains(where: { CharacterSet.whitespacesAndNewlines.contains($0) }) else {
            throw RevocationError(path: source, "not a compact token (empty, or whitespace inside)")
        }
        if let jti = jti(of: trimmed), isListable(jti: jti) { return jti }
        return "sha256:" + SHA256Digest.hash(Array(trimmed.utf8)).map { hex($0) }.joined()
    }

    /// The line that revokes the `jti` `value`.
    /// - Throws: `RevocationError` when no line can hold it exactly (see `isListable`).
    public static func entry(forJTI value: String) throws(RevocationError) -> String {
        guard isListable(jti: value) else {
            throw RevocationError(
                path: "--jti",
                "a jti listed by value must be non-empty, one line, without surrounding whitespace, and not start with '#' or 'sha256:'")
        }
        return value
    }

    /// Whether a line can hold `jti` exactly: lines are trimmed, `#` starts a comment and
    /// `sha256:` a token hash, so such values are listed by token hash instead.
    public static func isListable(jti: String) -> Bool {
        !jti.isEmpty && !jti.contains("\n") && !jti.contains("\r") && jti.trimmingCharacters(in: CharacterSet(charactersIn: " \t")) == jti
            && !jti.hasPrefix("#") && !jti.hasPrefix("sha256:")
    }

    /// The `jti` of a compact token (a string claim), read without validating the token.
    static func jti(of token: String) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64URL.decode(String(parts[1])),
            let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any]
        else { return nil }
        return object["jti"] as? String
    }

    /// Appends `entries` to the file at `path` (created when absent), atomically.
    /// - Throws: `RevocationError` when an entry would not read back as itself or the file
    ///   cannot be read or replaced.
    public static func append(_ entries: [String], to path: String) throws(RevocationError) {
        for entry in entries {
            var copy = entry
            let ok: Bool = copy.withUTF8 { bytes in
                ((try? DenylistParser.fingerprints(UnsafeRawBufferPointer(bytes), path: path)) ?? []).count == 1
            }
            guard ok, !entry.contains("\n") else { throw RevocationError(path: path, "\"\(entry)\" is not a denylist entry") }
        }
        var text = Data()
        if FileManager.default.fileExists(atPath: path) {
            guard let existing = FileManager.default.contents(atPath: path) else {
                throw RevocationError(path: path, "cannot read the denylist file")
            }
            text = existing
            if let last = text.last, last != UInt8(ascii: "\n") { text.append(UInt8(ascii: "\n")) }
        }
        text.append(contentsOf: (entries.joined(separator: "\n") + "\n").utf8)
        try replace(path, with: text)
    }

    /// Writes `data` to a temporary file in `path`'s directory, flushes it and renames it
    /// over `path` (rename is atomic within a file system).
    static func replace(_ path: String, with data: Data) throws(RevocationError) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RevocationError(path: path, "cannot create \(temporary) (\(String(cString: strerror(errno))))")
        }
        let written: Bool = data.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                done += n
            }
            return fsync(fd) == 0
        }
        let reason = String(cString: strerror(errno))
        close(fd)
        guard written else {
            unlink(temporary)
            throw RevocationError(path: path, "cannot write \(temporary) (\(reason))")
        }
        guard rename(temporary, path) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(temporary)
            throw RevocationError(path: path, "cannot replace the denylist file (\(why))")
        }
    }

    /// What `jwtbench revoke` is given to revoke.
    public enum Subject: Sendable, Equatable {
        /// A `jti` value.
        case jti(String)
        /// A compact token: listed by its `jti`, else by its SHA-256.
        case token(String)
        /// A file of compact tokens, one per line (blank lines skipped).
        case tokenFile(String)
    }

    /// Revokes `subjects` in the denylist at `path` (created when absent): one line each,
    /// appended atomically. What `jwtbench revoke` calls.
    /// - Returns: the lines added.
    /// - Throws: `RevocationError` for a subject that cannot be listed or a file that cannot
    ///   be read or written.
    @discardableResult
    public static func revoke(_ subjects: [Subject], in path: String) throws(RevocationError) -> [String] {
        var lines: [String] = []
        for subject in subjects {
            switch subject {
            case .jti(let value): lines.append(try entry(forJTI: value))
            case .token(let token): lines.append(try entry(forToken: token))
            case .tokenFile(let file):
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw RevocationError(path: file, "cannot read the token file")
                }
                let tokens = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                guard !tokens.isEmpty else { throw RevocationError(path: file, "no token in the file") }
                for (i, token) in tokens.enumerated() {
                    lines.append(try entry(forToken: token, source: "\(file):\(i + 1)"))
                }
            }
        }
        guard !lines.isEmpty else { throw RevocationError(path: path, "nothing to revoke: give --jti, --token or --token-file") }
        try append(lines, to: path)
        return lines
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}
