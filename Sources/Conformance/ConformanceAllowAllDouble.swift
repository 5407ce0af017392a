/// A deliberately broken engine that allows everything: a test double showing that the
/// conformance run fails (and names the cases) when a validator accepts what it must not.
/// Selected on the command line with the hidden `--validator-double allow-all`.
public struct ConformanceAllowAllDouble: ConformanceEngine {
    /// Creates the double.
    public init() {}

    /// Says it is a test double, so no report can be mistaken for a real run.
    public var name: String { "allow-all (test double)" }

    /// Allows `input`, whatever it is.
    public func decide(_ input: ConformanceInput, trust: ConformanceTrust, now: Int64) -> ConformanceDecision {
        .allow("allowed by the allow-all test double without any check")
    }
}
