/// What a load run was asked to do, recorded so a report says how its numbers were made.
public struct LoadRunConfiguration: Codable, Sendable, Equatable {
    /// JWS algorithms in the corpus (`RS256`, `ES256`, ...).
    public var algorithms: [String]
    /// The good/bad token mix as given on the command line (e.g. `good=90,expired=5,...`).
    public var mix: String
    /// Claim-set size classes in the corpus (`small`, `typical`, `large`).
    public var sizes: [String]
    /// Thread counts of the sweep.
    public var threads: [Int]
    /// Measured seconds per series, after warm-up.
    public var durationSeconds: Double
    /// Discarded warm-up seconds per series.
    public var warmupSeconds: Double
    /// Open-loop arrival rate in operations per second; nil for closed loop.
    public var targetRatePerSecond: Double?
    /// Seed of the corpus and the workers' random choices.
    public var seed: UInt64
    /// Crypto backend name (`openssl`, ...).
    public var backend: String
    /// `i/N` when this run is one shard of N.
    public var shard: String?
    /// Anything else worth recording (key-cache strategy, policy file, ...).
    public var extra: [String: String]
    /// The rate sweep as given (`30%,60%,85%,95%` of capacity, or rates), when there was one.
    public var rateSweep: String?
    /// The latency objective the sweep's curves are checked against.
    public var slo: LatencySLO?

    /// A configuration from its parts.
    public init(
        algorithms: [String], mix: String, sizes: [String], threads: [Int], durationSeconds: Double,
        warmupSeconds: Double, targetRatePerSecond: Double? = nil, seed: UInt64, backend: String,
        shard: String? = nil, extra: [String: String] = [:], rateSweep: String? = nil, slo: LatencySLO? = nil
    ) {
        self.algorithms = algorithms
        self.mix = mix
        self.sizes = sizes
        self.threads = threads
        self.durationSeconds = durationSeconds
        self.warmupSeconds = warmupSeconds
        self.targetRatePerSecond = targetRatePerSecond
        self.seed = seed
        self.backend = backend
        self.shard = shard
        self.extra = extra
        self.rateSweep = rateSweep
        self.slo = slo
    }

    enum CodingKeys: String, CodingKey {
        case algorithms, mix, sizes, threads, seed, backend, shard, extra, slo
        case rateSweep = "rate_sweep"
        case durationSeconds = "duration_seconds"
        case warmupSeconds = "warmup_seconds"
        case targetRatePerSecond = "target_rate_per_second"
    }
}
