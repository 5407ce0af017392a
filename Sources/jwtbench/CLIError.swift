import ArgumentParser

/// Errors that end a command with exit status 2 (bad usage or configuration) and a message
/// naming what was wrong.
enum CLIError: Error, CustomStringConvertible {
    case usage(String)
    case configuration(String)

    var description: String {
        switch self {
        case .usage(let m): return "usage: \(m)"
        case .configuration(let m): return "configuration: \(m)"
        }
    }
}
