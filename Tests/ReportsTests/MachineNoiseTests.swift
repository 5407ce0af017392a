import Foundation
import Testing

@testable import Reports

@Suite struct MachineNoiseTests {
    /// A `/proc/stat` head: user nice system idle iowait irq softirq steal guest guest_nice.
    static func procStat(user: UInt64, system: UInt64, idle: UInt64, steal: UInt64) -> String {
        "cpu  \(user) 0 \(system) \(idle) 0 0 0 \(steal) 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\nintr 1 2 3\n"
    }

    /// A `/proc/self/stat` line whose command name holds spaces and a ')', as names may.
    static func selfStat(utime: UInt64, stime: UInt64) -> String {
        "4242 (jwt bench) x)) R 1 4242 4242 0 -1 4194304 100 0 0 0 \(utime) \(stime) 0 0 20 0 3 0 100 1000 200\n"
    }

    static func sample(user: UInt64, system: UInt64 = 0, idle: UInt64, steal: UInt64 = 0, own: UInt64, seconds: Double) throws
        -> CPUTimeSample
    {
        try #require(
            CPUTimeSample.parse(
                procStat: procStat(user: user, system: system, idle: idle, steal: steal),
                selfStat: selfStat(utime: own, stime: 0), nanoseconds: UInt64(seconds * 1e9)))
    }

    @Test func procFilesParse() throws {
        let sample = try #require(
            CPUTimeSample.parse(
                procStat: Self.procStat(user: 100, system: 20, idle: 500, steal: 7), selfStat: Self.selfStat(utime: 30, stime: 5),
                nanoseconds: 1))
        #expect(sample.busyTicks == 120)
        #expect(sample.idleTicks == 500)
        #expect(sample.stealTicks == 7)
        #expect(sample.ownTicks == 35)
        #expect(CPUTimeSample.parse(procStat: "intr 1 2\n", selfStat: Self.selfStat(utime: 1, stime: 1), nanoseconds: 1) == nil)
        #expect(
            CPUTimeSample.parse(procStat: Self.procStat(user: 1, system: 1, idle: 1, steal: 0), selfStat: "42 (x", nanoseconds: 1) == nil)
    }

    @Test func thisMachineHasASample() throws {
        // Linux is where this project runs: the live files must parse, and this process's
        // CPU time never goes backwards.
        let first = try #require(CPUTimeSample.current())
        var spin: UInt64 = 1
        for i in 0..<2_000_000 { spin = spin &* 6_364_136_223_846_793_005 &+ UInt64(i) }
        let second = try #require(CPUTimeSample.current())
        #expect(spin != 0)
        #expect(second.ownTicks >= first.ownTicks)
        #expect(second.busyTicks >= first.busyTicks)
    }

    @Test func stealAndOtherProcessesAreMeasuredBetweenSamples() throws {
        let hz = Double(CPUTimeSample.ticksPerSecond)
        // 10 s on 2 cores: 20 s of CPU time. This process 1 core, others half a core, 1% steal.
        let ticks = { (seconds: Double) in UInt64(seconds * hz) }
        let start = try Self.sample(user: 1000, idle: 5000, own: 300, seconds: 100)
        let end = try Self.sample(
            user: 1000 + ticks(15), idle: 5000 + ticks(4.8), steal: ticks(0.2), own: 300 + ticks(10), seconds: 110)
        let noise = try #require(MachineNoise(from: start, to: end))
        #expect(abs(noise.stealPercent - 1.0) < 0.01)
        #expect(abs(noise.otherProcessesCores - 0.5) < 0.01)
        #expect(abs(noise.ownCores - 1.0) < 0.01)
        #expect(!noise.quiet)
        #expect(noise.warning(series: "RS256-closed-2t").contains("RS256-closed-2t"))
        // The same window with nothing else running is quiet.
        let alone = try Self.sample(user: 1000 + ticks(10), idle: 5000 + ticks(10), own: 300 + ticks(10), seconds: 110)
        let quiet = try #require(MachineNoise(from: start, to: alone))
        #expect(quiet.otherProcessesCores == 0)
        #expect(quiet.quiet)
        // No time between the samples: no figure rather than a division by zero.
        #expect(MachineNoise(from: start, to: start) == nil)
    }

    @Test func boundsDecideQuiet() {
        #expect(MachineNoise(stealPercent: 2.0, otherProcessesCores: 0.10, ownCores: 2).quiet)
        #expect(!MachineNoise(stealPercent: 2.1, otherProcessesCores: 0, ownCores: 2).quiet)
        #expect(!MachineNoise(stealPercent: 0, otherProcessesCores: 0.11, ownCores: 2).quiet)
    }

    @Test func everyOutputWarnsWhenTheMachineWasNotQuiet() throws {
        var report = Samples.report()
        report.summary.series[0].machineNoise = MachineNoise(stealPercent: 0.1, otherProcessesCores: 0.01, ownCores: 1.9)
        #expect(report.summary.noiseWarnings.isEmpty)
        #expect(!MarkdownReport.render(report.summary).contains("Warning"))
        #expect(!HTMLReport.render(report).contains("class=\"warn\""))
        #expect(MarkdownReport.render(report.summary).contains("machine quiet: steal 0.1%"))

        let name = report.summary.series[1].name
        report.summary.series[1].machineNoise = MachineNoise(stealPercent: 5, otherProcessesCores: 0.8, ownCores: 1.1)
        #expect(report.summary.noiseWarnings.count == 1)
        #expect(MarkdownReport.render(report.summary).contains("**Warning:** the machine was not quiet during \(name)"))
        #expect(HTMLReport.render(report).contains("<p class=\"warn\">Warning: the machine was not quiet during \(name)"))
        let json = try #require(String(data: try SummaryJSON.encode(report.summary), encoding: .utf8))
        #expect(json.contains("\"quiet\" : false"))
        #expect(json.contains("\"steal_percent\" : 5"))
        #expect(try SummaryJSON.decode(SummaryJSON.encode(report.summary)) == report.summary)
    }

    @Test func summariesWithoutTheFieldStillRead() throws {
        let summary = Samples.report().summary
        #expect(summary.series.allSatisfy { $0.machineNoise == nil })
        let text = try #require(String(data: try SummaryJSON.encode(summary), encoding: .utf8))
        #expect(!text.contains("machine_noise"))
        #expect(try SummaryJSON.decode(Data(text.utf8)) == summary)
    }

    @Test func mergedShardsKeepTheWorst() {
        let parts = [
            MachineNoise(stealPercent: 0.5, otherProcessesCores: 0.02, ownCores: 1),
            MachineNoise(stealPercent: 3, otherProcessesCores: 0.05, ownCores: 1.5),
        ]
        let worst = MachineNoise.worst(parts)
        #expect(worst == MachineNoise(stealPercent: 3, otherProcessesCores: 0.05, ownCores: 1.5))
        #expect(worst?.quiet == false)
        #expect(MachineNoise.worst([]) == nil)
    }
}
