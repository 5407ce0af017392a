/// How one series is driven.
public struct LoadOptions: Sendable {
    /// Measured seconds (ignored when `count` is set).
    public var durationSeconds: Double
    /// Total operations across threads, instead of a duration.
    public var count: Int?
    /// Seconds run before measuring, discarded.
    public var warmupSeconds: Double
    /// Open loop: total requests per second across threads; nil = closed loop (max throughput).
    public var rate: Double?
    /// Live progress: on a terminal a rewritten line, otherwise plain periodic lines.
    public var progress: Bool
    /// One operation made slower on purpose, to show coordinated omission in a real run.
    public var stall: PlantedStall?

    public init(
        durationSeconds: Double = 10, count: Int? = nil, warmupSeconds: Double = 2, rate: Double? = nil, progress: Bool = false,
        stall: PlantedStall? = nil
    ) {
        self.durationSeconds = durationSeconds
        self.count = count
        self.warmupSeconds = warmupSeconds
        self.rate = rate
        self.progress = progress
        self.stall = stall
    }
}
