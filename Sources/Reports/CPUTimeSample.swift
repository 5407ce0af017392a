import Foundation

/// The machine's CPU time by kind (`/proc/stat`'s `cpu` line) and this process's own
/// (`/proc/self/stat`), both in clock ticks, at one moment. Two samples around a measurement
/// give its `MachineNoise`: how much of the machine something else took meanwhile.
public struct CPUTimeSample: Sendable, Equatable {
    /// `user`, `nice`, `system`, `irq` and `softirq` of all CPUs: time spent running anything.
    public var busyTicks: UInt64
    /// `idle` and `iowait`.
    public var idleTicks: UInt64
    /// `steal`: time the hypervisor gave this VM's CPUs to someone else.
    public var stealTicks: UInt64
    /// This process's `utime + stime`, all its threads.
    public var ownTicks: UInt64
    /// When the sample was taken (monotonic nanoseconds).
    public var nanoseconds: UInt64

    public init(busyTicks: UInt64, idleTicks: UInt64, stealTicks: UInt64, ownTicks: UInt64, nanoseconds: UInt64) {
        (self.busyTicks, self.idleTicks, self.stealTicks) = (busyTicks, idleTicks, stealTicks)
        (self.ownTicks, self.nanoseconds) = (ownTicks, nanoseconds)
    }

    /// Clock ticks per second (`USER_HZ`), the unit of both files.
    public static let ticksPerSecond = UInt64(max(1, sysconf(Int32(_SC_CLK_TCK))))

    /// The current sample, or nil where `/proc` does not have the files (not Linux).
    public static func current() -> CPUTimeSample? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let own = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8)
        else { return nil }
        return parse(procStat: stat, selfStat: own, nanoseconds: DispatchTime.now().uptimeNanoseconds)
    }

    /// A sample from the two files' text; nil when either is not in the kernel's format.
    public static func parse(procStat: String, selfStat: String, nanoseconds: UInt64) -> CPUTimeSample? {
        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice": guest time is
        // already counted in user, so it is left out here.
        guard let line = procStat.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return nil }
        let fields = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
        guard fields.count >= 8 else { return nil }
        // The command name, field 2, is in parentheses and may hold spaces and ')': the fields
        // are counted from after its last ')'. utime and stime are fields 14 and 15 of the
        // file, so the 12th and 13th after the name.
        guard let close = selfStat.lastIndex(of: ")") else { return nil }
        let rest = selfStat[selfStat.index(after: close)...].split(separator: " ")
        guard rest.count >= 13, let utime = UInt64(rest[11]), let stime = UInt64(rest[12]) else { return nil }
        return CPUTimeSample(
            busyTicks: fields[0] + fields[1] + fields[2] + fields[5] + fields[6], idleTicks: fields[3] + fields[4],
            stealTicks: fields[7], ownTicks: utime + stime, nanoseconds: nanoseconds)
    }
}
