import JOSECrypto
import LoadDriver
import Measurement
import Reports
import Testing
import TokenMint

@Suite struct PlantedStallTests {
    @Test func theSpecParses() throws {
        #expect(try PlantedStall(parsing: "200ms@3s") == PlantedStall(seconds: 0.2, afterSeconds: 3))
        #expect(try PlantedStall(parsing: "1s@0s").description == "1000ms@0.0s")
        for bad in ["200ms", "@3s", "0ms@1s", "200ms@soon", "soon@1s", "1s@2s@3s"] {
            #expect(throws: HarnessError.self, "\(bad)") { try PlantedStall(parsing: bad) }
        }
    }

    @Test func aPlantedStallInARealRunShowsInTheCorrectedTailOnly() async throws {
        // Open loop, 2000/s on one thread over the real core: the one stalled validation holds
        // back the 400 requests meant to start during its 200 ms. From their intended start
        // they waited up to 200 ms (the corrected p99); each took microseconds once it ran
        // (the uncorrected p99).
        let run = LoadRun(
            .init(
                algorithms: [.hs256], mix: try WorkloadMix(parsing: "good=1"), mixSpec: "good=1", sizes: [.typical], threads: [1],
                options: LoadOptions(
                    durationSeconds: 1.5, warmupSeconds: 0, rate: 2000, stall: PlantedStall(seconds: 0.2, afterSeconds: 0.5)),
                seed: 1, corpusSize: 32, perAlgorithm: true, backend: OpenSSLBackend(), runName: "stall"))
        let outcome = try await onOwnThread { try run.execute(keySet: try TestKeySet.loadDefault()) { _ in } }
        let s = try #require(outcome.series.first).summary
        #expect(outcome.mismatches == 0)
        #expect(s.correctedLatencyNanos.max >= 200_000_000)
        #expect(s.correctedLatencyNanos.p99 >= 50_000_000, "\(s.correctedLatencyNanos)")
        #expect(s.uncorrectedLatencyNanos.p99 < s.correctedLatencyNanos.p99 / 10, "\(s.uncorrectedLatencyNanos)")
        #expect(outcome.report.summary.configuration.extra["plantedStall"] == "200ms@0.5s")
    }
}
