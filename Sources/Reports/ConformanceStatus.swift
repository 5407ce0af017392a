/// The outcome of one conformance case against its expectation and the committed list of
/// expected failures.
public enum ConformanceStatus: String, Codable, Sendable, CaseIterable {
    /// The decision was the expected one.
    case passed
    /// The decision differed and the case is not on the expected-failure list.
    case failed
    /// Not run (unsupported algorithm, missing input); the detail says why.
    case skipped
    /// The decision differed and the case is on the expected-failure list, with its reason.
    case expectedFailure = "expected_failure"
    /// The case is on the expected-failure list but passed: the list is stale, so this fails
    /// the run until the entry is removed (the list must stay honest).
    case unexpectedPass = "unexpected_pass"

    /// Whether this outcome fails the run (and shows as a failure in JUnit and TAP).
    public var isFailure: Bool { self == .failed || self == .unexpectedPass }
}
