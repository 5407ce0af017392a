import Histogram
import Reports

/// `--rounds N`: every series runs N times, the rounds interleaved with the other series
/// (round 1 of every series, then round 2...), so slow drift of a shared machine spreads over
/// all of them instead of landing on one. The report's series is the rounds merged, with each
/// round's throughput and p50/p99 kept beside it (`SeriesRound`) to show the spread.
enum SeriesRounds {
    /// The rounds of one series merged: histograms intervals side by side (they are at
    /// different times of the run), counts added, throughput over the rounds' total time.
    static func combine(_ rounds: [LoadSeriesResult]) -> LoadSeriesResult {
        guard var merged = rounds.first, rounds.count > 1 else { return rounds[0] }
        let parts = rounds.map(\.summary)
        var s = merged.summary
        s.operations = parts.reduce(0) { $0 + $1.operations }
        s.durationSeconds = parts.reduce(0) { $0 + $1.durationSeconds }
        s.operationsPerSecond = s.durationSeconds > 0 ? Double(s.operations) / s.durationSeconds : 0
        s.mismatches = parts.reduce(0) { $0 + $1.mismatches }
        s.countsByAlgorithm = parts.reduce(into: [:]) { $0.merge($1.countsByAlgorithm, uniquingKeysWith: +) }
        s.countsByReason = parts.reduce(into: [:]) { $0.merge($1.countsByReason, uniquingKeysWith: +) }
        let rates = parts.compactMap(\.targetRatePerSecond)
        s.targetRatePerSecond = rates.count == parts.count ? rates.reduce(0, +) / Double(rates.count) : nil
        s.machineNoise = MachineNoise.worst(parts.compactMap(\.machineNoise))
        s.rounds = parts.map {
            SeriesRound(
                operationsPerSecond: $0.operationsPerSecond, p50Nanos: $0.correctedLatencyNanos.p50, p99Nanos: $0.correctedLatencyNanos.p99)
        }
        let corrected = rounds.flatMap(\.histograms.corrected).sorted { $0.startSeconds < $1.startSeconds }
        let uncorrected = rounds.flatMap(\.histograms.uncorrected).sorted { $0.startSeconds < $1.startSeconds }
        merged.histograms = SeriesHistograms(corrected: corrected, uncorrected: uncorrected)
        var totalC = LatencyHistogram.make()
        var totalU = LatencyHistogram.make()
        for i in corrected { totalC.add(i.histogram) }
        for i in uncorrected { totalU.add(i.histogram) }
        s.setLatencies(corrected: totalC, uncorrected: totalU)
        merged.summary = s
        merged.firstMismatches = Array(rounds.flatMap(\.firstMismatches).prefix(10))
        return merged
    }
}
