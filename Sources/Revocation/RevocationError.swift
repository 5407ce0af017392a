/// A denylist file that cannot be used: unreadable, malformed (with the line), or too large.
/// Configuration and I/O only: a revoked token is a denial (`revoked`), never an error.
public struct RevocationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file at fault.
    public let path: String
    /// The 1-based line at fault, when one is.
    public let line: Int?
    /// What is wrong, one line.
    public let message: String

    /// An error about `path` (at `line`, when given).
    public init(path: String, line: Int? = nil, _ message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    /// `path:line: message`, or `path: message`.
    public var description: String {
        if let line { return "\(path):\(line): \(message)" }
        return "\(path): \(message)"
    }
}
