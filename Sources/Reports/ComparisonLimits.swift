import Foundation

/// How much each metric may get worse before `report compare` calls it a regression, parsed
/// from `metric=percent%` pairs separated by commas: `p99=10%,throughput=5%` lets corrected
/// p99 latency grow by up to 10% and throughput drop by up to 5%.
public struct ComparisonLimits: Sendable, Equatable {
    /// The limits in the order written; each is the largest allowed worsening as a fraction
    /// (0.10 for 10%).
    public var limits: [(metric: ComparisonMetric, fraction: Double)]

    /// Limits given directly (fractions: 0.10 allows 10% worse).
    public init(_ limits: [(metric: ComparisonMetric, fraction: Double)]) {
        self.limits = limits
    }

    /// Parses a limits string; errors name the offending entry.
    public init(parsing text: String) throws {
        var limits: [(metric: ComparisonMetric, fraction: Double)] = []
        let entries = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard entries.contains(where: { !$0.isEmpty }) else { throw ComparisonLimitsError.empty }
        for entry in entries where !entry.isEmpty {
            guard let equals = entry.firstIndex(of: "=") else { throw ComparisonLimitsError.missingEquals(entry) }
            let name = entry[..<equals].trimmingCharacters(in: .whitespaces)
            let value = entry[entry.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard let metric = ComparisonMetric(name: name) else { throw ComparisonLimitsError.unknownMetric(name) }
            guard value.hasSuffix("%"), let percent = Double(value.dropLast().trimmingCharacters(in: .whitespaces)),
                percent.isFinite, percent >= 0
            else {
                throw ComparisonLimitsError.invalidPercentage(entry)
            }
            guard !limits.contains(where: { $0.metric == metric }) else { throw ComparisonLimitsError.duplicateMetric(name) }
            limits.append((metric, percent / 100))
        }
        self.limits = limits
    }

    /// Same metrics with the same fractions, in the same order.
    public static func == (lhs: ComparisonLimits, rhs: ComparisonLimits) -> Bool {
        lhs.limits.elementsEqual(rhs.limits) { $0.metric == $1.metric && $0.fraction == $1.fraction }
    }
}
