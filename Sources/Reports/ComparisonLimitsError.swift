/// Why a limits string (`p99=10%,throughput=5%`) does not parse.
public enum ComparisonLimitsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No limits at all.
    case empty
    /// An entry without `=` (the entry as written).
    case missingEquals(String)
    /// A metric name that is not one of `ComparisonMetric.all`.
    case unknownMetric(String)
    /// A limit that is not a non-negative finite percentage ending in `%` (the entry).
    case invalidPercentage(String)
    /// The same metric twice.
    case duplicateMetric(String)

    public var description: String {
        switch self {
        case .empty:
            return "no limits given; expected e.g. \"p99=10%,throughput=5%\""
        case .missingEquals(let entry):
            return "limit \"\(entry)\" has no '=': write metric=percent%, e.g. p99=10%"
        case .unknownMetric(let name):
            return "unknown metric \"\(name)\"; known: \(ComparisonMetric.all.map(\.name).joined(separator: ", "))"
        case .invalidPercentage(let entry):
            return "limit \"\(entry)\" is not a percentage: write a non-negative number followed by %, e.g. 10%"
        case .duplicateMetric(let name):
            return "metric \"\(name)\" is limited twice"
        }
    }
}
