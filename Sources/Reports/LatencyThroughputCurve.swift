/// Latency against offered load for one workload at one thread count: the open-loop series of
/// a rate sweep, by offered rate. Where latency turns up as the rate nears capacity is what a
/// single open-loop point cannot show, and what an SLO is checked against.
public struct LatencyThroughputCurve: Sendable, Equatable {
    public var workload: String
    public var threads: Int
    /// The closed-loop throughput of the same workload and threads, when the run measured it.
    public var capacity: Double?
    /// The open-loop series, by offered rate ascending.
    public var points: [SeriesSummary]

    /// A point kept up when it completed at least this share of the offered rate; above
    /// capacity an open loop falls behind and its latency grows with the run's length.
    public static let keptUpShare = 0.95

    /// Whether `point` completed what was offered (`keptUpShare`).
    public static func keptUp(_ point: SeriesSummary) -> Bool {
        guard let offered = point.targetRatePerSecond, offered > 0 else { return false }
        return point.operationsPerSecond >= offered * keptUpShare
    }

    /// The highest offered rate at which this point and every lower one kept up and met `slo`;
    /// nil when even the lowest did not. A lucky point above a failing one does not count.
    public func highestRate(meeting slo: LatencySLO) -> Double? {
        var best: Double?
        for point in points {
            guard Self.keptUp(point), slo.isMet(by: point), let rate = point.targetRatePerSecond else { break }
            best = rate
        }
        return best
    }

    /// The curves of a run: open-loop series grouped by workload and threads, where a group has
    /// at least two rates (one point is not a curve), in the order the run measured them.
    public static func curves(in summary: LoadRunSummary) -> [LatencyThroughputCurve] {
        var order: [String] = []
        var groups: [String: LatencyThroughputCurve] = [:]
        for series in summary.series where series.mode == .open && series.targetRatePerSecond != nil {
            let key = "\(series.workload)\u{0}\(series.threads)"
            if groups[key] == nil {
                order.append(key)
                let closed = summary.series.last { $0.mode == .closed && $0.workload == series.workload && $0.threads == series.threads }
                groups[key] = LatencyThroughputCurve(
                    workload: series.workload, threads: series.threads, capacity: closed?.operationsPerSecond, points: [])
            }
            groups[key]?.points.append(series)
        }
        return order.compactMap { key in
            guard var curve = groups[key], curve.points.count >= 2 else { return nil }
            curve.points.sort { ($0.targetRatePerSecond ?? 0) < ($1.targetRatePerSecond ?? 0) }
            return curve
        }
    }

    /// "RS256 typical ..., 2 threads".
    public var title: String { "\(workload), \(threads) thread\(threads == 1 ? "" : "s")" }

    /// The sweep's result in one sentence: the SLO's highest rate, as a share of capacity.
    public func verdict(_ slo: LatencySLO) -> String {
        guard let rate = highestRate(meeting: slo) else { return "no offered rate met \(slo.description)" }
        var text = "highest offered rate meeting \(slo.description): \(ReportFormat.rate(rate)) ops/s"
        if let capacity, capacity > 0 { text += " (\(Int((rate / capacity * 100).rounded()))% of the closed-loop capacity)" }
        return text
    }
}
