import Reports

/// The outcome of a conformance run: every case's result, in run order, plus the stale
/// entries of the expected-failure list.
public struct ConformanceRun: Sendable {
    /// One result per case, in run order.
    public let results: [ConformanceCaseResult]
    /// Expected-failure entries that name no case of a suite that was run: they fail the run.
    public let staleEntries: [ConformanceExpectedFailures.Entry]
    /// The engine that decided (`validator`, or a test double's name).
    public let engineName: String
    /// The crypto backend keys were imported with.
    public let backendName: String

    /// A run from its results (the runner makes these; tests combine them).
    public init(
        results: [ConformanceCaseResult], staleEntries: [ConformanceExpectedFailures.Entry],
        engineName: String, backendName: String
    ) {
        self.results = results
        self.staleEntries = staleEntries
        self.engineName = engineName
        self.backendName = backendName
    }

    /// Counts over every case.
    public var counts: ConformanceCounts { ConformanceCounts(results) }

    /// The suites in the order their first case ran.
    public var suites: [String] {
        var seen = Set<String>()
        return results.compactMap { seen.insert($0.suite).inserted ? $0.suite : nil }
    }

    /// Counts for one suite.
    public func counts(for suite: String) -> ConformanceCounts {
        ConformanceCounts(results.lazy.filter { $0.suite == suite })
    }

    /// Results that fail the run (failed, unexpected pass).
    public var failures: [ConformanceCaseResult] { results.filter(\.status.isFailure) }

    /// Whether everything was as expected: no failure, no unexpected pass, no stale entry.
    public var succeeded: Bool { failures.isEmpty && staleEntries.isEmpty }
}
