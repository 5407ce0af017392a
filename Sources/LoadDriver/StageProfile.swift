import Foundation

/// What `StageProfiler.profile` measured: nanoseconds per stage of one validation, the whole
/// validation, the raw signature check, and allocations per validation.
public struct StageProfile: Sendable {
    /// Each `ValidationStageProbe` stage, in order.
    public let stages: [(name: String, nanoseconds: Double)]
    public let validationNanoseconds: Double
    /// The same key and bytes, verifier in hand.
    public let rawVerifyNanoseconds: Double
    /// Per validation; nil when jemalloc is not the allocator.
    public let allocations: (allocations: Double, bytes: Double)?

    /// The table `jwtbench profile` prints.
    public var lines: [String] {
        let total = validationNanoseconds
        let raw = rawVerifyNanoseconds
        var out = ["stage                  ns/op   share of a validation"]
        for (name, ns) in stages {
            out.append(name.padding(toLength: 18, withPad: " ", startingAt: 0) + String(format: "%10.0f   %5.1f%%", ns, 100 * ns / total))
        }
        let sum = stages.reduce(0) { $0 + $1.nanoseconds }
        out.append(String(format: "sum of stages     %10.0f   %5.1f%%", sum, 100 * sum / total))
        out.append(String(format: "validation        %10.0f   100.0%%   (%.0f validations/s)", total, 1e9 / total))
        out.append(
            String(format: "raw verify        %10.0f   %5.1f%%   (the same key and bytes, verifier in hand)", raw, 100 * raw / total))
        out.append(String(format: "outside the signature check: %.0f ns (%.1f%%)", total - raw, 100 * (total - raw) / total))
        if let a = allocations {
            out.append(String(format: "allocations per validation: %.2f (%.0f bytes, including OpenSSL's own)", a.allocations, a.bytes))
        } else {
            out.append("allocations per validation: unavailable (jemalloc is not the allocator)")
        }
        return out
    }
}
