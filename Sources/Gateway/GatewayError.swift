/// A gateway configuration or start-up problem (a bad address, a port in use, a policy that
/// cannot be loaded), with a one-line message. Request problems are responses, never errors.
public struct GatewayError: Error, CustomStringConvertible, Sendable {
    /// What was wrong.
    public let message: String

    /// An error saying `message`.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
