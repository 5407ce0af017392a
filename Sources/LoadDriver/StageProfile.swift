import Foundation

/// What `StageProfiler.profile` measured: nanoseconds per stage of one validation, the whole
/// validation, the raw signature check, and allocations per validation.
///
/// Every figure comes from the same interleaved rounds. A stage's cost is the median over the
/// rounds of the difference between two cumulative prefixes (`ValidationStageProbe.run(through:)`:
/// stages 0 through k, minus stages 0 through k-1), so the stages add up to the last prefix, a
/// whole request validation. A stage whose difference is not above the rounds' disagreement is
/// reported "below noise" and counted as 0 ns: no cost or share is ever negative.
public struct StageProfile: Sendable {
    public struct Stage: Sendable, Equatable {
        public let name: String
        /// The median of the per-round prefix differences, never below 0.
        public let nanoseconds: Double
        /// How much the rounds disagree about this stage (median absolute deviation, ns).
        public let noise: Double
        /// The difference is not above `noise`: the stage's cost cannot be told from 0.
        public let belowNoise: Bool
    }

    /// How far (a fraction of a validation) the sum of the stages may be from the whole
    /// validation before the report says they do not add up.
    public static let tolerance = 0.05

    /// Each `ValidationStageProbe` stage, in order.
    public let stages: [Stage]
    /// A whole request validation (extraction, then `validate(token:)`), the median.
    public let validationNanoseconds: Double
    /// How much the rounds disagree about the whole validation (ns).
    public let validationNoise: Double
    /// The same key and bytes, verifier in hand.
    public let rawVerifyNanoseconds: Double
    /// The median over the rounds of validation minus raw verify, and its noise (ns).
    public let outsideSignatureNanoseconds: Double
    public let outsideSignatureNoise: Double
    /// Per validation; nil when jemalloc is not the allocator.
    public let allocations: (allocations: Double, bytes: Double)?

    /// From per-round timings (ns per call): `prefixRounds[r][k]` is stages 0 through k in
    /// round r; `validationRounds[r]` and `rawRounds[r]` the whole validation and the raw
    /// verify in the same round.
    public init(
        names: [String], prefixRounds: [[Double]], validationRounds: [Double], rawRounds: [Double],
        allocations: (allocations: Double, bytes: Double)?
    ) {
        precondition(!prefixRounds.isEmpty && prefixRounds.allSatisfy { $0.count == names.count })
        precondition(validationRounds.count == prefixRounds.count && rawRounds.count == prefixRounds.count)
        stages = names.enumerated().map { k, name in
            let deltas = prefixRounds.map { round in round[k] - (k == 0 ? 0 : round[k - 1]) }
            let median = Self.median(deltas)
            let noise = Self.deviation(deltas)
            return Stage(name: name, nanoseconds: max(0, median), noise: noise, belowNoise: median <= noise)
        }
        validationNanoseconds = Self.median(validationRounds)
        validationNoise = Self.deviation(validationRounds)
        rawVerifyNanoseconds = Self.median(rawRounds)
        let outside = zip(validationRounds, rawRounds).map { $0 - $1 }
        outsideSignatureNanoseconds = Self.median(outside)
        outsideSignatureNoise = Self.deviation(outside)
        self.allocations = allocations
    }

    /// The stages' costs added up (a stage below noise counts 0).
    public var sumNanoseconds: Double { stages.reduce(0) { $0 + $1.nanoseconds } }

    /// Whether the sum of the stages is within `tolerance` of the whole validation.
    public var addsUp: Bool { abs(sumNanoseconds - validationNanoseconds) <= Self.tolerance * validationNanoseconds }

    /// How much the rounds disagree about the whole and the stages together (ns).
    public var noise: Double { validationNoise + stages.reduce(0) { $0 + $1.noise } }

    /// A stage's share of a validation; nil when the stage is below noise. Never negative.
    public func share(_ stage: Stage) -> Double? {
        stage.belowNoise || validationNanoseconds <= 0 ? nil : max(0, stage.nanoseconds / validationNanoseconds)
    }

    /// The share of a validation outside the signature check; nil when it is below noise.
    public var outsideSignatureShare: Double? {
        outsideSignatureNanoseconds <= outsideSignatureNoise || validationNanoseconds <= 0
            ? nil : outsideSignatureNanoseconds / validationNanoseconds
    }

    /// The table `jwtbench profile` prints.
    public var lines: [String] {
        let total = validationNanoseconds
        let raw = rawVerifyNanoseconds
        var out = ["stage                  ns/op   share of a validation"]
        for stage in stages {
            let name = stage.name.padding(toLength: 18, withPad: " ", startingAt: 0)
            if let share = share(stage) {
                out.append(name + String(format: "%10.0f   %5.1f%%", stage.nanoseconds, 100 * share))
            } else {
                out.append(name + String(format: "%10.0f   below noise (±%.0f ns)", stage.nanoseconds, stage.noise))
            }
        }
        let sum = sumNanoseconds
        out.append(String(format: "sum of stages     %10.0f   %5.1f%%", sum, 100 * sum / total))
        out.append(
            String(format: "validation        %10.0f   100.0%%   (%.0f validations/s; extraction + validate(token:))", total, 1e9 / total))
        if !addsUp {
            let gap = abs(sum - total)
            let why =
                gap <= noise
                ? String(format: "within the rounds' noise (±%.0f ns); rerun with more --rounds on a quieter machine", noise)
                : String(
                    format:
                        "beyond the rounds' noise (±%.0f ns): the whole validation does work the stages do not time (or the stages repeat some)",
                    noise)
            out.append(
                String(
                    format: "note: the stages add up to %.1f%% of a validation, beyond ±%.0f%%: ", 100 * sum / total, 100 * Self.tolerance)
                    + why)
        }
        out.append(
            String(format: "raw verify        %10.0f   %5.1f%%   (the same key and bytes, verifier in hand)", raw, 100 * raw / total))
        if let share = outsideSignatureShare {
            out.append(String(format: "outside the signature check: %.0f ns (%.1f%%)", outsideSignatureNanoseconds, 100 * share))
        } else {
            out.append(
                String(
                    format: "outside the signature check: below noise (%.0f ns, rounds disagree by ±%.0f ns)",
                    outsideSignatureNanoseconds, outsideSignatureNoise))
        }
        if let a = allocations {
            out.append(
                String(
                    format: "allocations per validation: %.2f (%.0f bytes, including OpenSSL's own; validate(token:), the hot path)",
                    a.allocations, a.bytes))
        } else {
            out.append("allocations per validation: unavailable (jemalloc is not the allocator)")
        }
        return out
    }

    /// The median (the upper one of an even count).
    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        return values.sorted()[values.count / 2]
    }

    /// The median absolute deviation from the median: how much rounds disagree (0 for one round).
    static func deviation(_ values: [Double]) -> Double {
        let m = median(values)
        return median(values.map { abs($0 - m) })
    }
}
