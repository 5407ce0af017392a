/// One conformance case: an input with its expected decision under a setup, or a case that is
/// deliberately not run, with the reason.
public struct ConformanceCase: Sendable {
    /// What running the case means.
    public enum Body: Sendable {
        /// Decide `input` under `setup` at `now` (seconds since the epoch).
        case run(ConformanceInput, ConformanceSetup, now: Int64)
        /// Not run: the text says why (out of scope, unsupported algorithm, ...).
        case skip(String)
    }

    /// The suite the case belongs to.
    public let suite: ConformanceSuite
    /// `<suite>/<id within the suite>`: unique across suites, stable across runs (the JSON
    /// index, `--case` and the expected-failure list use it).
    public let id: String
    /// What the case checks, for people.
    public let description: String
    /// Labels for `--tag` (algorithm, Wycheproof result and flags, catalogue tags, ...).
    public let tags: [String]
    /// What the decision must be.
    public let expectation: ConformanceExpectation
    /// How the case runs, or why it does not.
    public let body: Body

    /// A case of `suite`, whose id becomes `<suite>/<localID>`.
    public init(
        suite: ConformanceSuite, localID: String, description: String, tags: [String],
        expectation: ConformanceExpectation, body: Body
    ) {
        self.suite = suite
        self.id = "\(suite.rawValue)/\(localID)"
        self.description = description
        self.tags = tags
        self.expectation = expectation
        self.body = body
    }

    /// Whether the case is skipped without running.
    public var isSkipped: Bool {
        if case .skip = body { return true }
        return false
    }
}
