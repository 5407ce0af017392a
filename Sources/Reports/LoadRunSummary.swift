import Foundation

/// Everything a load run reports: what was asked, where it ran, and one summary per series.
/// Written as `summary.json` (schema `ReportSchema.version`); the input of the Markdown and
/// HTML reports, of `report compare` and of `report merge`.
public struct LoadRunSummary: Codable, Sendable, Equatable {
    /// `ReportSchema.version` of the writer.
    public var schemaVersion: Int
    /// The run's name (also its directory under `reports/`).
    public var runName: String
    /// When the first series started, ISO 8601 in UTC with milliseconds
    /// (`2025-01-31T12:00:00.000Z`).
    public var startedAt: String
    /// How many shards' results this summary combines (1 for a single process).
    public var shardCount: Int
    /// What the run was asked to do.
    public var configuration: LoadRunConfiguration
    /// Where it ran (the first shard's machine after a merge).
    public var machine: MachineInfo
    /// One summary per series, in run order.
    public var series: [SeriesSummary]
    /// This run's (or shard's) unique id, given when it was written; nil in summaries written
    /// before the field existed, which are told apart by `identity` (run name + start time).
    public var runID: String?
    /// After `report merge`: the shards merged, in merge order (nil for a single run).
    public var mergedShards: [MergedShard]?

    /// One shard of a merged summary: which run it was and how it was configured.
    public struct MergedShard: Codable, Sendable, Equatable {
        /// The shard's `identity` (its run id, else run name + start time).
        public var id: String
        public var runName: String
        public var startedAt: String
        /// `i/N` when the shard was run with `--shard`.
        public var shard: String?

        public init(id: String, runName: String, startedAt: String, shard: String? = nil) {
            self.id = id
            self.runName = runName
            self.startedAt = startedAt
            self.shard = shard
        }

        enum CodingKeys: String, CodingKey {
            case id, shard
            case runName = "run_name"
            case startedAt = "started_at"
        }
    }

    /// A summary from its parts, `startedAt` already formatted.
    public init(
        schemaVersion: Int = ReportSchema.version, runName: String, startedAt: String, shardCount: Int = 1,
        configuration: LoadRunConfiguration, machine: MachineInfo, series: [SeriesSummary], runID: String? = nil,
        mergedShards: [MergedShard]? = nil
    ) {
        self.schemaVersion = schemaVersion
        self.runName = runName
        self.startedAt = startedAt
        self.shardCount = shardCount
        self.configuration = configuration
        self.machine = machine
        self.series = series
        self.runID = runID
        self.mergedShards = mergedShards
    }

    /// A summary started at `startedAt` (formatted with `timestamp(_:)`).
    public init(
        runName: String, startedAt: Date, shardCount: Int = 1, configuration: LoadRunConfiguration,
        machine: MachineInfo, series: [SeriesSummary], runID: String? = nil
    ) {
        self.init(
            runName: runName, startedAt: Self.timestamp(startedAt), shardCount: shardCount,
            configuration: configuration, machine: machine, series: series, runID: runID)
    }

    /// What tells this run apart from others: its `runID`, else (a summary written before run
    /// ids) its run name and start time.
    public var identity: String { runID ?? "\(runName)@\(startedAt)" }

    /// The shards this summary stands for: those it merged, else itself.
    public var shards: [MergedShard] {
        mergedShards
            ?? [MergedShard(id: identity, runName: runName, startedAt: startedAt, shard: configuration.shard)]
    }

    /// The series named `name`, if any.
    public func series(named name: String) -> SeriesSummary? {
        series.first { $0.name == name }
    }

    /// Mismatched decisions over all series: non-zero fails the run.
    public var totalMismatches: UInt64 { series.reduce(0) { $0 + $1.mismatches } }

    /// One warning per series measured while the machine was not quiet (`MachineNoise`).
    public var noiseWarnings: [String] {
        let overHTTP = configuration.extra["target"].map { $0.hasPrefix("http://") || $0.hasPrefix("https://") } ?? false
        return series.compactMap { s in s.machineNoise.flatMap { $0.quiet ? nil : $0.warning(series: s.name, serverMayBeHere: overHTTP) } }
    }

    /// `startedAt` as a date, when it parses (with or without fractional seconds).
    public var startDate: Date? { Self.parseTimestamp(startedAt) }

    /// The `startedAt` form: ISO 8601, UTC, milliseconds.
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// Parses an ISO 8601 timestamp with or without fractional seconds.
    public static func parseTimestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    enum CodingKeys: String, CodingKey {
        case configuration, machine, series
        case schemaVersion = "schema_version"
        case runName = "run_name"
        case startedAt = "started_at"
        case shardCount = "shard_count"
        case runID = "run_id"
        case mergedShards = "merged_shards"
    }
}
