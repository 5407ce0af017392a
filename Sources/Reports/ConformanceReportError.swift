/// Why conformance results could not be written.
public enum ConformanceReportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The JSON index is keyed by case id, so ids must be unique across suites.
    case duplicateCaseID(String)

    public var description: String {
        switch self {
        case .duplicateCaseID(let id): return "conformance case id \"\(id)\" appears more than once"
        }
    }
}
