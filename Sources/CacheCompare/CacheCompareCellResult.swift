import Reports

/// One strategy through one scenario, as measured (a row of the report; JSON field names are
/// the property names).
public struct CacheCompareCellResult: Codable, Sendable, Equatable {
    /// Strategy name (`static` for fixed keys).
    public var strategy: String
    /// The strategy's knobs, as `KeyCacheStrategy.description` prints them.
    public var strategyDetails: String
    /// The scenario.
    public var scenario: CacheCompareScenario
    /// Worker threads.
    public var threads: Int
    /// Measured seconds.
    public var seconds: Double
    /// Validations completed.
    public var operations: Int
    /// Validations per second, all threads.
    public var operationsPerSecond: Double
    /// Latency of prepare + validate, with HdrHistogram's coordinated-omission correction at
    /// `expectedIntervalNanos` (nanoseconds).
    public var correctedLatencyNanos: LatencyPercentiles
    /// The same without the correction.
    public var uncorrectedLatencyNanos: LatencyPercentiles
    /// The correction's expected interval between requests of one thread.
    public var expectedIntervalNanos: UInt64
    /// Requests to the issuer (JWKS and discovery), from its own count, including the first load.
    public var issuerFetches: Int
    /// The provider's fetch attempts by reason (`cold-start`, `expired`, `refresh-ahead`,
    /// `unknown-kid`, `retry`, `per-validation`).
    public var fetchesByReason: [String: Int]
    /// Attempts that brought no usable key set.
    public var fetchFailures: Int
    /// Tokens that had to be allowed, and how many were denied (false rejects).
    public var mustAllow: Int
    /// Valid tokens denied.
    public var falseRejects: Int
    /// Why the false rejects were denied (reason code to count).
    public var falseRejectReasons: [String: Int]
    /// Tokens that had to be denied (forged kids; retired-key tokens past the grace).
    public var mustDeny: Int
    /// Invalid tokens allowed: must be 0.
    public var falseAccepts: Int
    /// Up to five false accepts, described.
    public var falseAcceptExamples: [String]
    /// Retired-key tokens not graded: decided within the grace after the retirement, or sent
    /// before it and decided after it.
    public var ungraded: Int
    /// From the switch to the new signing key until a token signed with it was first allowed
    /// (milliseconds); nil when there was no rotation or it was never allowed.
    public var newKeyAcceptedAfterMillis: Double?
    /// Whether the scenario rotated (so a nil `newKeyAcceptedAfterMillis` means "never").
    public var rotated: Bool
    /// From the retirement until a token signed with the retired key was first refused
    /// (milliseconds); nil when nothing was retired or it was never refused.
    public var retiredKeyRefusedAfterMillis: Double?
    /// Whether a retirement happened during the run.
    public var retired: Bool
    /// Validations that waited for a fetch, and their total wait (seconds).
    public var waits: Int
    /// Total time validations spent waiting for fetches (seconds, summed over threads).
    public var waitSeconds: Double
    /// Verified-token cache hits, for `token-cache`.
    public var tokenCacheHits: Int?

    /// A row from its values (the cell runner builds these).
    public init(
        strategy: String, strategyDetails: String, scenario: CacheCompareScenario, threads: Int, seconds: Double,
        operations: Int, operationsPerSecond: Double, correctedLatencyNanos: LatencyPercentiles,
        uncorrectedLatencyNanos: LatencyPercentiles, expectedIntervalNanos: UInt64, issuerFetches: Int,
        fetchesByReason: [String: Int], fetchFailures: Int, mustAllow: Int, falseRejects: Int,
        falseRejectReasons: [String: Int], mustDeny: Int, falseAccepts: Int, falseAcceptExamples: [String],
        ungraded: Int, newKeyAcceptedAfterMillis: Double?, rotated: Bool, retiredKeyRefusedAfterMillis: Double?,
        retired: Bool, waits: Int, waitSeconds: Double, tokenCacheHits: Int?
    ) {
        self.strategy = strategy
        self.strategyDetails = strategyDetails
        self.scenario = scenario
        self.threads = threads
        self.seconds = seconds
        self.operations = operations
        self.operationsPerSecond = operationsPerSecond
        self.correctedLatencyNanos = correctedLatencyNanos
        self.uncorrectedLatencyNanos = uncorrectedLatencyNanos
        self.expectedIntervalNanos = expectedIntervalNanos
        self.issuerFetches = issuerFetches
        self.fetchesByReason = fetchesByReason
        self.fetchFailures = fetchFailures
        self.mustAllow = mustAllow
        self.falseRejects = falseRejects
        self.falseRejectReasons = falseRejectReasons
        self.mustDeny = mustDeny
        self.falseAccepts = falseAccepts
        self.falseAcceptExamples = falseAcceptExamples
        self.ungraded = ungraded
        self.newKeyAcceptedAfterMillis = newKeyAcceptedAfterMillis
        self.rotated = rotated
        self.retiredKeyRefusedAfterMillis = retiredKeyRefusedAfterMillis
        self.retired = retired
        self.waits = waits
        self.waitSeconds = waitSeconds
        self.tokenCacheHits = tokenCacheHits
    }
}
