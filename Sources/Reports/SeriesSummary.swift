import Histogram

/// The results of one load series (one workload at one thread count and mode), as the load
/// driver fills them after merging its workers' histograms and tallies.
///
/// Latencies are nanoseconds. "Corrected" is measured from each operation's intended start
/// (open loop) so stalls are not hidden; "uncorrected" from its actual start, kept beside it
/// as wrk2 does. In closed loop both are the same measurement.
public struct SeriesSummary: Codable, Sendable, Equatable {
    /// Unique name of the series in its run, also its `.hlog` tag, e.g. `RS256-2t`.
    public var name: String
    /// What was run, independent of the thread count, e.g. `RS256` or `mix`: the scaling chart
    /// draws one line per workload across thread counts.
    public var workload: String
    /// Worker threads (per shard, when the run is sharded).
    public var threads: Int
    /// Closed or open loop.
    public var mode: LoadMode
    /// Intended arrival rate in operations per second (open loop only).
    public var targetRatePerSecond: Double?
    /// Measured time after warm-up.
    public var durationSeconds: Double
    /// Operations completed in `durationSeconds`.
    public var operations: UInt64
    /// `operations / durationSeconds` (summed over concurrently running shards).
    public var operationsPerSecond: Double
    /// Latency from the intended start, in nanoseconds.
    public var correctedLatencyNanos: LatencyPercentiles
    /// Latency from the actual start, in nanoseconds.
    public var uncorrectedLatencyNanos: LatencyPercentiles
    /// Operations per JWS algorithm name.
    public var countsByAlgorithm: [String: UInt64]
    /// Decisions per outcome: `allow` plus the deny reason codes (`expired`, ...).
    public var countsByReason: [String: UInt64]
    /// Decisions that differed from the expected one; any mismatch fails the run.
    public var mismatches: UInt64
    /// Heap allocations per operation, when measured.
    public var allocationsPerOperation: Double?
    /// Heap bytes allocated per operation, when measured.
    public var bytesPerOperation: Double?
    /// The crypto backend that verified each algorithm (e.g. `openssl-3.0.13`).
    public var backendByAlgorithm: [String: String]
    /// Steal and other processes' CPU time during the measurement (nil where `/proc` has no
    /// figures, and in summaries written before it was recorded).
    public var machineNoise: MachineNoise?
    /// With `--rounds N`: each round's figures (the series is their merge).
    public var rounds: [SeriesRound]?

    /// A series with percentiles already computed; throughput defaults to operations / duration.
    public init(
        name: String, workload: String, threads: Int, mode: LoadMode, targetRatePerSecond: Double? = nil,
        durationSeconds: Double, operations: UInt64, operationsPerSecond: Double? = nil,
        correctedLatencyNanos: LatencyPercentiles, uncorrectedLatencyNanos: LatencyPercentiles,
        countsByAlgorithm: [String: UInt64] = [:], countsByReason: [String: UInt64] = [:],
        mismatches: UInt64 = 0, allocationsPerOperation: Double? = nil, bytesPerOperation: Double? = nil,
        backendByAlgorithm: [String: String] = [:], machineNoise: MachineNoise? = nil
    ) {
        self.name = name
        self.workload = workload
        self.threads = threads
        self.mode = mode
        self.targetRatePerSecond = targetRatePerSecond
        self.durationSeconds = durationSeconds
        self.operations = operations
        self.operationsPerSecond =
            operationsPerSecond
            ?? (durationSeconds > 0 ? Double(operations) / durationSeconds : 0)
        self.correctedLatencyNanos = correctedLatencyNanos
        self.uncorrectedLatencyNanos = uncorrectedLatencyNanos
        self.countsByAlgorithm = countsByAlgorithm
        self.countsByReason = countsByReason
        self.mismatches = mismatches
        self.allocationsPerOperation = allocationsPerOperation
        self.bytesPerOperation = bytesPerOperation
        self.backendByAlgorithm = backendByAlgorithm
        self.machineNoise = machineNoise
    }

    /// A series whose latency percentiles are read from its merged histograms.
    public init(
        name: String, workload: String, threads: Int, mode: LoadMode, targetRatePerSecond: Double? = nil,
        durationSeconds: Double, operations: UInt64, corrected: Histogram<UInt64>,
        uncorrected: Histogram<UInt64>, countsByAlgorithm: [String: UInt64] = [:],
        countsByReason: [String: UInt64] = [:], mismatches: UInt64 = 0,
        allocationsPerOperation: Double? = nil, bytesPerOperation: Double? = nil,
        backendByAlgorithm: [String: String] = [:]
    ) {
        self.init(
            name: name, workload: workload, threads: threads, mode: mode,
            targetRatePerSecond: targetRatePerSecond, durationSeconds: durationSeconds,
            operations: operations, correctedLatencyNanos: LatencyPercentiles(histogram: corrected),
            uncorrectedLatencyNanos: LatencyPercentiles(histogram: uncorrected),
            countsByAlgorithm: countsByAlgorithm, countsByReason: countsByReason, mismatches: mismatches,
            allocationsPerOperation: allocationsPerOperation, bytesPerOperation: bytesPerOperation,
            backendByAlgorithm: backendByAlgorithm)
    }

    /// Replaces both percentile sets with those of the given histograms (nanoseconds).
    public mutating func setLatencies(corrected: Histogram<UInt64>, uncorrected: Histogram<UInt64>) {
        correctedLatencyNanos = LatencyPercentiles(histogram: corrected)
        uncorrectedLatencyNanos = LatencyPercentiles(histogram: uncorrected)
    }

    enum CodingKeys: String, CodingKey {
        case name, workload, threads, mode, operations, mismatches
        case targetRatePerSecond = "target_rate_per_second"
        case durationSeconds = "duration_seconds"
        case operationsPerSecond = "operations_per_second"
        case correctedLatencyNanos = "corrected_latency_ns"
        case uncorrectedLatencyNanos = "uncorrected_latency_ns"
        case countsByAlgorithm = "counts_by_algorithm"
        case countsByReason = "counts_by_reason"
        case allocationsPerOperation = "allocations_per_operation"
        case bytesPerOperation = "bytes_per_operation"
        case backendByAlgorithm = "backend_by_algorithm"
        case machineNoise = "machine_noise"
        case rounds
    }
}

extension SeriesSummary {
    /// The series in one sentence, for the HTML and Markdown reports: loop, threads, rate,
    /// duration, operations, the throughput (passed through `strong`, the format's emphasis),
    /// mismatches and allocations; ends with a full stop. Only numbers and fixed words, so
    /// no escaping is needed.
    func sentence(strong: (String) -> String) -> String {
        var text = "\(mode == .open ? "Open" : "Closed") loop, \(threads) thread\(threads == 1 ? "" : "s")"
        if let rate = targetRatePerSecond { text += " at \(ReportFormat.rate(rate)) ops/s intended" }
        text += ", \(ReportFormat.plain(durationSeconds)) s: \(ReportFormat.count(operations)) operations, "
        text += strong("\(ReportFormat.rate(operationsPerSecond)) ops/s") + ", \(ReportFormat.count(mismatches)) mismatches"
        if let allocations = allocationsPerOperation { text += ", \(ReportFormat.plain(allocations)) allocations/op" }
        if let bytes = bytesPerOperation { text += ", \(ReportFormat.plain(bytes)) bytes/op" }
        if let spread = roundSpread { text += "; \(spread)" }
        if let noise = machineNoise { text += "; machine \(noise.quiet ? "quiet" : "NOT quiet"): \(noise.description)" }
        return text + "."
    }
}
