import Foundation

/// One round of a series run `--rounds N` times, interleaved with the other series: its
/// throughput and corrected p50 and p99. The series itself is the rounds merged; these say how
/// far apart the rounds were, which on a shared machine is the noise a comparison must beat.
public struct SeriesRound: Codable, Sendable, Equatable {
    public var operationsPerSecond: Double
    public var p50Nanos: UInt64
    public var p99Nanos: UInt64

    public init(operationsPerSecond: Double, p50Nanos: UInt64, p99Nanos: UInt64) {
        self.operationsPerSecond = operationsPerSecond
        self.p50Nanos = p50Nanos
        self.p99Nanos = p99Nanos
    }

    enum CodingKeys: String, CodingKey {
        case operationsPerSecond = "operations_per_second"
        case p50Nanos = "p50_ns"
        case p99Nanos = "p99_ns"
    }

    /// (max - min) / median of `values`, in percent; 0 for fewer than two.
    public static func spreadPercent(_ values: [Double]) -> Double {
        guard values.count > 1, let low = values.min(), let high = values.max() else { return 0 }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        return median > 0 ? (high - low) / median * 100 : 0
    }
}

extension SeriesSummary {
    /// "3 rounds: 30,100-31,500 ops/s (spread 4.6%), p99 110.0-130.0 µs (spread 17%)", or nil
    /// for a series measured once.
    public var roundSpread: String? {
        guard let rounds, rounds.count > 1 else { return nil }
        let rates = rounds.map(\.operationsPerSecond)
        let p99s = rounds.map { Double($0.p99Nanos) }
        return "\(rounds.count) rounds: \(ReportFormat.rate(rates.min()!))-\(ReportFormat.rate(rates.max()!)) ops/s "
            + String(format: "(spread %.1f%%)", SeriesRound.spreadPercent(rates))
            + ", p99 \(ReportFormat.micros(p99s.min()!))-\(ReportFormat.micros(p99s.max()!)) µs "
            + String(format: "(spread %.0f%%)", SeriesRound.spreadPercent(p99s))
    }
}
