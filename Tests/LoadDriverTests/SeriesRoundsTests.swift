import JOSECrypto
import LoadDriver
import Measurement
import Reports
import Testing
import TokenMint

@Suite struct SeriesRoundsTests {
    @Test func roundsAreInterleavedMergedAndTheirSpreadReported() async throws {
        let run = LoadRun(
            .init(
                algorithms: [.hs256, .es256], mix: try WorkloadMix(parsing: "good=1"), mixSpec: "good=1", sizes: [.typical],
                threads: [1], options: LoadOptions(durationSeconds: 0.3, warmupSeconds: 0), seed: 1, corpusSize: 32,
                perAlgorithm: true, backend: OpenSSLBackend(), runName: "rounds"))
        var configuration = run.configuration
        configuration.rounds = 3
        let lines = LogLines()
        let outcome = try await onOwnThread { [configuration] in
            try LoadRun(configuration).execute(keySet: try TestKeySet.loadDefault()) { lines.append($0) }
        }
        let series = outcome.report.summary.series
        // One series per workload, the rounds merged into it.
        #expect(series.map(\.name) == ["HS256-closed-1t", "ES256-closed-1t"])
        // Interleaved: round 1 of both series before round 2 of either.
        let order = lines.all.filter { $0.hasPrefix("series ") || $0.hasPrefix("round ") }.map { $0.split(separator: ":")[0] }
        #expect(
            order == [
                "round 1 of 3", "series HS256-closed-1t", "series ES256-closed-1t", "round 2 of 3", "series HS256-closed-1t",
                "series ES256-closed-1t", "round 3 of 3", "series HS256-closed-1t", "series ES256-closed-1t",
            ])
        for s in series {
            let rounds = try #require(s.rounds)
            #expect(rounds.count == 3)
            // The merge holds every round's operations, over their total time.
            #expect(abs(s.durationSeconds - 0.9) < 1e-9)
            #expect(abs(s.operationsPerSecond - Double(s.operations) / 0.9) < 1e-6)
            #expect(s.roundSpread?.hasPrefix("3 rounds: ") == true)
            #expect(outcome.report.histograms[s.name]?.corrected.count ?? 0 >= 3)
            #expect(lines.all.contains { $0.hasPrefix("\(s.name): 3 rounds: ") })
        }
        #expect(outcome.report.summary.configuration.extra["rounds"] == "3")
        #expect(MarkdownReport.render(outcome.report.summary).contains("; 3 rounds: "))
    }

    @Test func theSpreadIsTheRangeOverTheMedian() {
        #expect(SeriesRound.spreadPercent([100, 110, 90]) == 20)
        #expect(SeriesRound.spreadPercent([100]) == 0)
        #expect(SeriesRound.spreadPercent([]) == 0)
        #expect(abs(SeriesRound.spreadPercent([100, 104]) - 4.0 / 102 * 100) < 1e-9)
    }
}
