import Foundation
import Histogram

@testable import Reports

/// Deterministic pseudo-random numbers (SplitMix64), so every test sees the same samples.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A latency-like sample in nanoseconds: mostly 15-40 µs, a tail up to tens of ms.
    mutating func latency() -> UInt64 {
        let roll = next() % 1000
        if roll < 990 { return 15_000 + next() % 25_000 }
        if roll < 999 { return 100_000 + next() % 900_000 }
        return 5_000_000 + next() % 45_000_000
    }
}

enum Samples {
    static func histogram(_ values: [UInt64], lowest: UInt64 = 1, digits: SignificantDigits = .three) -> Histogram<UInt64> {
        var h = Histogram<UInt64>(
            lowestDiscernibleValue: lowest, highestTrackableValue: 3_600_000_000_000,
            numberOfSignificantValueDigits: digits)
        for v in values { h.record(v) }
        return h
    }

    static func latencies(seed: UInt64, count: Int) -> [UInt64] {
        var rng = SplitMix64(state: seed)
        return (0..<count).map { _ in rng.latency() }
    }

    /// Every (bucket value, count) of a histogram: "counts identical" means these are equal.
    static func counts(_ h: Histogram<UInt64>) -> [UInt64: UInt64] {
        var counts: [UInt64: UInt64] = [:]
        for v in h.recordedValues() { counts[h.lowestEquivalentForValue(v.value)] = v.count }
        return counts
    }

    static let machine = MachineInfo(
        cpuModel: "Test CPU @ 2.0GHz", cpuCount: 2, operatingSystem: "Debian GNU/Linux 12 (bookworm)",
        kernel: "Linux 6.1.0 x86_64", hostName: "test", swiftVersion: "6.3.1",
        openSSLVersion: "OpenSSL 3.0.13 30 Jan 2024")

    static let configuration = LoadRunConfiguration(
        algorithms: ["RS256", "ES256"], mix: "good=90,expired=10",
        sizes: ["typical"], threads: [1, 2], durationSeconds: 3,
        warmupSeconds: 1, seed: 42, backend: "openssl")

    /// A series recorded over `seconds` one-second intervals from `samples` (corrected =
    /// uncorrected + 500 ns, so the two differ).
    static func series(
        name: String, workload: String, threads: Int, mode: LoadMode = .closed, seed: UInt64,
        perSecond: Int = 2000, seconds: Int = 3
    ) -> (SeriesSummary, SeriesHistograms) {
        var corrected: [IntervalHistogram] = []
        var uncorrected: [IntervalHistogram] = []
        for second in 0..<seconds {
            let values = latencies(seed: seed &+ UInt64(second), count: perSecond)
            corrected.append(
                IntervalHistogram(
                    startSeconds: Double(second), lengthSeconds: 1,
                    histogram: histogram(values.map { $0 + 500 })))
            uncorrected.append(IntervalHistogram(startSeconds: Double(second), lengthSeconds: 1, histogram: histogram(values)))
        }
        let histograms = SeriesHistograms(corrected: corrected, uncorrected: uncorrected)
        let operations = UInt64(perSecond * seconds)
        let summary = SeriesSummary(
            name: name, workload: workload, threads: threads, mode: mode,
            targetRatePerSecond: mode == .open ? Double(perSecond) : nil,
            durationSeconds: Double(seconds), operations: operations,
            corrected: try! histograms.correctedTotal(), uncorrected: try! histograms.uncorrectedTotal(),
            countsByAlgorithm: [workload: operations],
            countsByReason: ["allow": operations * 9 / 10, "expired": operations - operations * 9 / 10],
            allocationsPerOperation: 12, bytesPerOperation: 1024,
            backendByAlgorithm: [workload: "openssl"])
        return (summary, histograms)
    }

    static func report(seedOffset: UInt64 = 0, startedAt: Date = Date(timeIntervalSince1970: 1_700_000_000.25)) -> RunReport {
        let specs: [(String, String, Int, LoadMode)] = [
            ("RS256-1t", "RS256", 1, .closed), ("RS256-2t", "RS256", 2, .closed),
            ("ES256-1t", "ES256", 1, .closed), ("ES256-2t", "ES256", 2, .closed), ("RS256-open", "RS256", 2, .open),
        ]
        var series: [SeriesSummary] = []
        var histograms: [String: SeriesHistograms] = [:]
        for (i, spec) in specs.enumerated() {
            let (s, h) = Self.series(
                name: spec.0, workload: spec.1, threads: spec.2, mode: spec.3,
                seed: seedOffset &+ UInt64(i * 100), perSecond: 300 * spec.2)
            series.append(s)
            histograms[s.name] = h
        }
        let summary = LoadRunSummary(
            runName: "test-run", startedAt: startedAt, configuration: configuration,
            machine: machine, series: series)
        return RunReport(summary: summary, histograms: histograms)
    }
}
