import JWTValidation

/// Why a request description (the CLI's `--request FILE`) could not be read. This is a usage
/// error (exit code 2), not a token denial.
public struct HTTPRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the description.
    public let message: String

    /// An error saying `message`.
    public init(_ message: String) {
        self.message = message
    }

    /// `"invalid request description: <message>"`.
    public var description: String { "invalid request description: \(message)" }
}
