/// Why a conformance run could not start: bad usage or configuration (exit status 2), never a
/// conformance failure (those are results, exit status 1).
public enum ConformanceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A filter or option that cannot be honoured (unknown suite, a filter matching no case).
    case usage(String)
    /// A vector file or folder that must exist does not.
    case missingVectors(String)
    /// A vector file that does not have the documented shape.
    case malformedVectors(path: String, String)
    /// The expected-failure list is unreadable or breaks its rules (empty reason, duplicate,
    /// unknown suite, an id outside its suite).
    case expectedFailures(path: String, String)

    /// The message the CLI prints.
    public var description: String {
        switch self {
        case .usage(let message): return message
        case .missingVectors(let message): return message
        case .malformedVectors(let path, let message): return "\(path): \(message)"
        case .expectedFailures(let path, let message): return "expected-failure list \(path): \(message)"
        }
    }
}
