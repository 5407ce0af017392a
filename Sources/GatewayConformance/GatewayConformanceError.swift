/// Why a conformance run against a gateway could not start or go on: bad usage or
/// configuration (exit status 2). A gateway that answers wrongly is a result, never an error.
public enum GatewayConformanceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An option that cannot be honoured (a bad `--target`, an unknown profile).
    case usage(String)
    /// The gateway under test cannot be reached, or sent something that is not HTTP.
    case target(String)
    /// The echo upstream cannot be started.
    case echo(String)

    /// The one-line message the CLI prints.
    public var description: String {
        switch self {
        case .usage(let message), .target(let message), .echo(let message): return message
        }
    }
}
