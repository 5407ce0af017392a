import Foundation

/// What else the machine did while a series was measured: CPU time stolen by the hypervisor
/// and CPU time of other processes. Either one slows the measured code down in ways its own
/// figures do not show (on two cores, one busy neighbour takes half the machine), so a series
/// measured on a machine that was not quiet says so in every output.
public struct MachineNoise: Codable, Sendable, Equatable {
    /// Steal as a share of all CPU time in the window, in percent.
    public var stealPercent: Double
    /// Other processes' CPU time over the window's wall time, in cores (1.0: one core busy).
    public var otherProcessesCores: Double
    /// This process's CPU time over the wall time, in cores.
    public var ownCores: Double
    /// Neither steal nor other processes passed their bound (`stealLimitPercent`, `otherCoresLimit`).
    public var quiet: Bool

    /// More steal than this, in percent of the machine, is not quiet.
    public static let stealLimitPercent = 2.0
    /// Other processes busier than this, in cores, is not quiet: a tenth of a core is more than
    /// an idle machine's daemons take, and enough to move a two-core measurement by several percent.
    public static let otherCoresLimit = 0.10

    public init(stealPercent: Double, otherProcessesCores: Double, ownCores: Double) {
        self.stealPercent = stealPercent
        self.otherProcessesCores = otherProcessesCores
        self.ownCores = ownCores
        quiet = stealPercent <= Self.stealLimitPercent && otherProcessesCores <= Self.otherCoresLimit
    }

    /// The noise between two samples; nil when they do not span any time.
    public init?(from start: CPUTimeSample, to end: CPUTimeSample) {
        let wall = Double(end.nanoseconds &- start.nanoseconds) / 1e9
        let busy = end.busyTicks &- start.busyTicks
        let steal = end.stealTicks &- start.stealTicks
        let total = busy &+ (end.idleTicks &- start.idleTicks) &+ steal
        guard end.nanoseconds > start.nanoseconds, total > 0, wall > 0 else { return nil }
        let own = end.ownTicks &- start.ownTicks
        let hz = Double(CPUTimeSample.ticksPerSecond)
        // Both counters tick at USER_HZ but are sampled independently, so `own` can exceed
        // `busy` by a tick or two: other processes' share is never negative.
        let others = busy > own ? busy - own : 0
        self.init(
            stealPercent: Double(steal) / Double(total) * 100, otherProcessesCores: Double(others) / hz / wall,
            ownCores: Double(own) / hz / wall)
    }

    /// The worst of several measurements (shards of one series): the merged series is quiet
    /// only if every part was.
    public static func worst(_ parts: [MachineNoise]) -> MachineNoise? {
        guard !parts.isEmpty else { return nil }
        return MachineNoise(
            stealPercent: parts.map(\.stealPercent).max()!, otherProcessesCores: parts.map(\.otherProcessesCores).max()!,
            ownCores: parts.map(\.ownCores).max()!)
    }

    /// "steal 0.3%, other processes 0.04 cores, this process 1.95 cores".
    public var description: String {
        String(
            format: "steal %.1f%%, other processes %.2f cores, this process %.2f cores", stealPercent, otherProcessesCores, ownCores)
    }

    /// The warning every output carries for a series measured on a machine that was not quiet.
    /// `serverMayBeHere`: the target was a server over HTTP, whose own CPU time counts as other
    /// processes' when it runs on this machine (a loopback run always warns).
    public func warning(series: String, serverMayBeHere: Bool = false) -> String {
        "the machine was not quiet during \(series) (\(description)"
            + (serverMayBeHere ? "; other processes include the server under test when it runs on this machine" : "")
            + "): its figures are less reliable"
    }

    enum CodingKeys: String, CodingKey {
        case quiet
        case stealPercent = "steal_percent"
        case otherProcessesCores = "other_processes_cores"
        case ownCores = "own_cores"
    }
}
