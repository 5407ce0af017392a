import Foundation
import Histogram

/// `report merge`: combines the reports of the shards of one run (`--shard i/N`, same
/// series) into the report of the whole run.
///
/// - Histograms merge losslessly (counts add bucket by bucket); interval histograms are
///   re-based to the earliest shard start and combined per interval slot, so the timeline
///   shows the whole run.
/// - Operations, counts per algorithm and reason, and mismatches add; throughput adds too,
///   since shards run concurrently; allocations and bytes per operation are averaged,
///   weighted by operations.
/// - Percentiles are recomputed from the merged histograms, never averaged.
/// - Threads stay per shard (the series' identity); `shardCount` says how many ran.
public enum ReportMerger {
    /// The length of the interval slots merged intervals are aligned to.
    public static let intervalSeconds = 1.0

    /// Merges shard reports; throws when they are not shards of one run or lack histograms.
    public static func merge(_ shards: [RunReport]) throws -> RunReport {
        guard let first = shards.first else { throw ReportError.noShards }
        for shard in shards { try shard.validate() }
        let names = first.summary.series.map(\.name)
        for shard in shards.dropFirst() {
            let other = shard.summary.series.map(\.name)
            guard Set(other) == Set(names) else {
                throw ReportError.shardMismatch("series \(names.sorted()) vs \(other.sorted())")
            }
        }
        let starts = shards.map { $0.summary.startDate?.timeIntervalSince1970 }
        let origin = starts.compactMap { $0 }.min()

        var mergedSeries: [SeriesSummary] = []
        var mergedHistograms: [String: SeriesHistograms] = [:]
        for name in names {
            var parts: [SeriesSummary] = []
            var corrected: [IntervalHistogram] = []
            var uncorrected: [IntervalHistogram] = []
            for (shard, start) in zip(shards, starts) {
                guard let series = shard.summary.series(named: name) else { continue }
                guard let histograms = shard.histograms[name] else { throw ReportError.missingHistograms(series: name) }
                // Shards start at slightly different times: put every interval on one clock.
                let offset = (start ?? origin ?? 0) - (origin ?? 0)
                corrected += histograms.corrected.map { shifted($0, by: offset) }
                uncorrected += histograms.uncorrected.map { shifted($0, by: offset) }
                parts.append(series)
            }
            let histograms = SeriesHistograms(
                corrected: try HistogramMerge.alignIntervals(corrected, bucketSeconds: intervalSeconds),
                uncorrected: try HistogramMerge.alignIntervals(uncorrected, bucketSeconds: intervalSeconds))
            mergedSeries.append(try combine(parts, histograms: histograms))
            mergedHistograms[name] = histograms
        }

        var summary = first.summary
        summary.schemaVersion = ReportSchema.version
        summary.shardCount = shards.reduce(0) { $0 + $1.summary.shardCount }
        if let origin { summary.startedAt = LoadRunSummary.timestamp(Date(timeIntervalSince1970: origin)) }
        summary.configuration.shard = nil
        summary.series = mergedSeries
        return RunReport(summary: summary, histograms: mergedHistograms)
    }

    static func shifted(_ interval: IntervalHistogram, by offset: Double) -> IntervalHistogram {
        var copy = interval
        copy.startSeconds += offset
        copy.tag = nil
        return copy
    }

    static func combine(_ parts: [SeriesSummary], histograms: SeriesHistograms) throws -> SeriesSummary {
        guard var merged = parts.first else { throw ReportError.noShards }
        for part in parts.dropFirst() {
            guard part.threads == merged.threads, part.mode == merged.mode, part.workload == merged.workload else {
                throw ReportError.shardMismatch("series \(merged.name) differs in threads, mode or workload")
            }
        }
        let operations = parts.reduce(UInt64(0)) { $0 + $1.operations }
        merged.operations = operations
        merged.operationsPerSecond = parts.reduce(0) { $0 + $1.operationsPerSecond }
        merged.durationSeconds = parts.map(\.durationSeconds).max() ?? 0
        merged.targetRatePerSecond =
            parts.allSatisfy({ $0.targetRatePerSecond != nil })
            ? parts.reduce(0) { $0 + ($1.targetRatePerSecond ?? 0) } : nil
        merged.mismatches = parts.reduce(0) { $0 + $1.mismatches }
        merged.countsByAlgorithm = parts.reduce(into: [:]) { total, part in
            total.merge(part.countsByAlgorithm, uniquingKeysWith: +)
        }
        merged.countsByReason = parts.reduce(into: [:]) { total, part in
            total.merge(part.countsByReason, uniquingKeysWith: +)
        }
        merged.backendByAlgorithm = parts.reduce(into: [:]) { total, part in
            // Shards on different machines may differ; keep every backend seen, in order.
            total.merge(part.backendByAlgorithm) { old, new in
                old.split(separator: "|").contains(Substring(new)) ? old : "\(old)|\(new)"
            }
        }
        merged.allocationsPerOperation = weightedMean(parts, \.allocationsPerOperation)
        merged.bytesPerOperation = weightedMean(parts, \.bytesPerOperation)
        merged.setLatencies(corrected: try histograms.correctedTotal(), uncorrected: try histograms.uncorrectedTotal())
        return merged
    }

    /// The operation-weighted mean of an optional per-operation figure; nil unless every
    /// shard measured it (a partial mean would misstate the whole).
    static func weightedMean(_ parts: [SeriesSummary], _ value: KeyPath<SeriesSummary, Double?>) -> Double? {
        let operations = parts.reduce(0.0) { $0 + Double($1.operations) }
        guard operations > 0, parts.allSatisfy({ $0[keyPath: value] != nil }) else { return nil }
        return parts.reduce(0.0) { $0 + ($1[keyPath: value] ?? 0) * Double($1.operations) } / operations
    }
}
