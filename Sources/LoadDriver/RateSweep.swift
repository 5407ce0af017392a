import Foundation
import Measurement
import Reports

/// `--rate-sweep`: the offered rates of a latency-throughput curve, as shares of the measured
/// closed-loop capacity (`10%,30%,50%,70%,85%,95%`) or as rates (`1000/s,5000`), each run as
/// an open-loop series after the closed-loop one that measures the capacity.
public struct RateSweep: Sendable, Equatable {
    public enum Point: Sendable, Equatable {
        /// A share of the capacity (0.3 for 30%).
        case share(Double)
        /// Operations per second.
        case rate(Double)
    }

    public var points: [Point]
    /// As given, for the report.
    public var spec: String
    /// The capacity the shares are of, when it is already known (the main job measured it):
    /// then no closed-loop series is run for it.
    public var knownCapacity: Double?

    /// The sweep `spec` names: comma-separated shares (`30%`, above 0 and at most 1000%) or rates.
    /// - Throws: `HarnessError.usage` naming the point that is neither.
    public init(parsing spec: String, knownCapacity: Double? = nil) throws(HarnessError) {
        var points: [Point] = []
        for item in spec.split(separator: ",", omittingEmptySubsequences: false) {
            let text = item.trimmingCharacters(in: .whitespaces)
            if text.hasSuffix("%") {
                guard let percent = Double(text.dropLast()), percent > 0, percent <= 1000 else {
                    throw HarnessError.usage("--rate-sweep: \"\(text)\" is not a share of capacity (above 0%, at most 1000%)")
                }
                points.append(.share(percent / 100))
            } else {
                do {
                    points.append(.rate(try DurationParser.rate(text)))
                } catch {
                    throw HarnessError.usage("--rate-sweep: \"\(text)\" is neither a share of capacity (30%) nor a rate (5000/s)")
                }
            }
        }
        guard !points.isEmpty else { throw HarnessError.usage("--rate-sweep needs at least one rate") }
        self.points = points
        self.spec = spec
        self.knownCapacity = knownCapacity
    }

    /// Whether a point is a share, so the capacity must be known or measured.
    public var needsCapacity: Bool { points.contains { if case .share = $0 { true } else { false } } }

    /// The offered rate of `point` (at least 1 per second).
    public func rate(_ point: Point, capacity: Double) -> Double {
        switch point {
        case .share(let share): max(1, capacity * share)
        case .rate(let rate): rate
        }
    }

    /// The series name's suffix for `point`: `30pct` or `5000ps` (an `.hlog` tag has no `%` or `/`).
    public func suffix(_ point: Point) -> String {
        switch point {
        case .share(let share): "\(Int((share * 100).rounded()))pct"
        case .rate(let rate): "\(Int(rate.rounded()))ps"
        }
    }
}

extension LatencySLO {
    /// `--slo`: a percentile and a duration, `p99=5ms` or `p99.9=20ms`.
    /// - Throws: `HarnessError.usage` naming what is wrong.
    public init(parsing spec: String) throws(HarnessError) {
        let parts = spec.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let level = PercentileLevel(rawValue: parts[0]) else {
            throw HarnessError.usage(
                "--slo: \"\(spec)\" is not PERCENTILE=DURATION with a percentile of "
                    + PercentileLevel.allCases.map(\.label).joined(separator: ", ") + " (e.g. p99=5ms)")
        }
        guard let duration = DurationParser.duration(parts[1]), duration > .zero else {
            throw HarnessError.usage("--slo: \"\(parts[1])\" is not a duration above zero (e.g. 5ms, 250us)")
        }
        let (seconds, attoseconds) = duration.components
        self.init(level: level, nanoseconds: UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000))
    }
}
