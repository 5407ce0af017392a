/// How many cases ended in each status (for a suite or for everything).
public struct ConformanceCounts: Codable, Sendable, Equatable {
    /// All cases.
    public var total = 0
    /// Cases with the expected decision.
    public var passed = 0
    /// Unexpected decisions not on the expected-failure list.
    public var failed = 0
    /// Cases not run.
    public var skipped = 0
    /// Unexpected decisions on the expected-failure list.
    public var expectedFailure = 0
    /// Listed expected failures that passed.
    public var unexpectedPass = 0

    /// All zero.
    public init() {}

    /// The counts of `results`.
    public init(_ results: some Sequence<ConformanceCaseResult>) {
        for result in results { add(result.status) }
    }

    /// Counts one more case.
    public mutating func add(_ status: ConformanceStatus) {
        total += 1
        switch status {
        case .passed: passed += 1
        case .failed: failed += 1
        case .skipped: skipped += 1
        case .expectedFailure: expectedFailure += 1
        case .unexpectedPass: unexpectedPass += 1
        }
    }

    /// Cases that fail the run (`failed` + `unexpectedPass`): JUnit's `failures`.
    public var failures: Int { failed + unexpectedPass }

    enum CodingKeys: String, CodingKey {
        case total, passed, failed, skipped
        case expectedFailure = "expected_failure"
        case unexpectedPass = "unexpected_pass"
    }
}
