/// What decides conformance cases. The runner asks it for every case, so a different engine
/// (another validator, or a deliberately broken test double) is checked by the same suites.
public protocol ConformanceEngine: Sendable {
    /// A short name for the console and reports (`validator`, `allow-all (test double)`).
    var name: String { get }
    /// The decision for `input` under `trust` at `now` (seconds since the epoch). Never throws:
    /// anything wrong with the input is a deny.
    func decide(_ input: ConformanceInput, trust: ConformanceTrust, now: Int64) -> ConformanceDecision
}
