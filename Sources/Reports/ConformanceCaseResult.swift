/// The result of one conformance case, as the conformance runner fills it; the input of the
/// JUnit, TAP and JSON writers.
public struct ConformanceCaseResult: Codable, Sendable, Equatable {
    /// The suite the case belongs to (`jwtbench`, `wycheproof-rsa-pkcs1`, `rfc7515`, ...).
    public var suite: String
    /// Unique case id across all suites (the JSON index is keyed by it).
    public var id: String
    /// What the case checks, for people.
    public var description: String
    /// The expected decision, e.g. `allow` or `deny(expired)` or `acceptable`.
    public var expected: String
    /// The decision made, same notation.
    public var actual: String
    /// The outcome, after applying the expected-failure list.
    public var status: ConformanceStatus
    /// Why it failed or was skipped, or the expected-failure entry's reason.
    public var detail: String?

    /// A result from its parts.
    public init(
        suite: String, id: String, description: String, expected: String, actual: String,
        status: ConformanceStatus, detail: String? = nil
    ) {
        self.suite = suite
        self.id = id
        self.description = description
        self.expected = expected
        self.actual = actual
        self.status = status
        self.detail = detail
    }
}
