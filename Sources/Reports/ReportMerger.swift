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
/// - Threads stay per shard (the series' identity); `shardCount` says how many shards ran
///   and `mergedShards` which (a merged report merged again counts its own shards).
/// - The same shard twice is refused (known by its run id, else run name + start time);
///   shards configured differently (duration, warm-up, mix, sizes, algorithms, rate) are
///   merged with one warning line.
public enum ReportMerger {
    /// The length of the interval slots merged intervals are aligned to.
    public static let intervalSeconds = 1.0

    /// Writes a warning line to stderr: what `merge` does with its warnings unless told.
    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Merges shard reports; throws when they are not shards of one run, when a shard is
    /// given twice, or when they lack histograms. `warn` gets one line when the shards'
    /// configurations differ.
    public static func merge(_ shards: [RunReport], warn: (String) -> Void = standardError) throws -> RunReport {
        guard let first = shards.first else { throw ReportError.noShards }
        for shard in shards { try shard.validate() }
        var seen: Set<String> = []
        var shardList: [LoadRunSummary.MergedShard] = []
        for shard in shards {
            for part in shard.summary.shards {
                guard seen.insert(part.id).inserted else { throw ReportError.duplicateShard(part.id) }
                shardList.append(part)
            }
        }
        if let warning = configurationWarning(shards.map(\.summary)) { warn(warning) }
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
        summary.shardCount = shardList.count
        summary.mergedShards = shardList
        summary.runID = UUID().uuidString
        if let origin { summary.startedAt = LoadRunSummary.timestamp(Date(timeIntervalSince1970: origin)) }
        summary.configuration.shard = nil
        summary.series = mergedSeries
        return RunReport(summary: summary, histograms: mergedHistograms)
    }

    /// One line naming every configuration field the shards disagree on (with the values,
    /// in shard order), or nil when they agree.
    static func configurationWarning(_ summaries: [LoadRunSummary]) -> String? {
        func fixed(_ value: Double) -> String { String(format: "%g", value) }
        let fields: [(String, (LoadRunConfiguration) -> String)] = [
            ("duration_seconds", { fixed($0.durationSeconds) }),
            ("warmup_seconds", { fixed($0.warmupSeconds) }),
            ("mix", { $0.mix }),
            ("sizes", { $0.sizes.joined(separator: ",") }),
            ("algorithms", { $0.algorithms.joined(separator: ",") }),
            ("target_rate_per_second", { $0.targetRatePerSecond.map(fixed) ?? "closed" }),
        ]
        var differences: [String] = []
        for (name, value) in fields {
            var values: [String] = []
            for summary in summaries {
                let v = value(summary.configuration)
                if !values.contains(v) { values.append(v) }
            }
            if values.count > 1 { differences.append("\(name) \(values.joined(separator: " vs "))") }
        }
        guard !differences.isEmpty else { return nil }
        return "warning: merging shards configured differently (\(differences.joined(separator: "; ")))"
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
        merged.machineNoise = MachineNoise.worst(parts.compactMap(\.machineNoise))
        // Shards' rounds ran concurrently with other shards' rounds, and their percentiles
        // cannot be added: the merged series keeps no per-round figures.
        merged.rounds = nil
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
