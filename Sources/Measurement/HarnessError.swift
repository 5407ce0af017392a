/// Errors that end a harness command: bad usage (exit 2) or a failed check (exit 1).
public enum HarnessError: Error, CustomStringConvertible, Sendable {
    case usage(String)
    case failed(String)

    public var description: String {
        switch self {
        case .usage(let m): return m
        case .failed(let m): return m
        }
    }
}
