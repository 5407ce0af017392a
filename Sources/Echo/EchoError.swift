/// A configuration or start-up problem of the echo upstream (a bad address, a port in use, a
/// record file that cannot be written), with a one-line message.
public struct EchoError: Error, CustomStringConvertible, Sendable {
    /// What was wrong.
    public let message: String

    /// An error saying `message`.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
