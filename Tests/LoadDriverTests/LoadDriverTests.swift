import Foundation
import Histogram
import JOSECrypto
import JWTValidation
import LoadDriver
import Measurement
import Reports
import Synchronization
import Testing
import TokenMint

/// The load driver's measurement logic, with substitute targets.
@Suite(.serialized) struct LoadDriverTests {
    /// Stalls once, for 200 ms, on its `stallAt`-th call.
    final class StallingTarget: LoadTarget {
        let calls = Atomic<Int>(0)
        let stallAt: Int

        init(stallAt: Int) { self.stallAt = stallAt }

        func decide(_ index: Int) -> ReasonCode? {
            if calls.wrappingAdd(1, ordering: .relaxed).newValue == stallAt { usleep(200_000) }
            return nil
        }
    }

    static func workload(_ target: any LoadTarget, count: Int, expected: [ReasonCode?]? = nil) -> LoadDriver.Workload {
        LoadDriver.Workload(
            target: target, expected: expected ?? [ReasonCode?](repeating: nil, count: count),
            algorithmIndex: [Int](repeating: 0, count: count), algorithmNames: ["RS256"],
            ids: (0..<count).map { "case-\($0)" })
    }

    @Test func aStallShowsInTheCorrectedTailOnly() {
        // 1000 requests/s for 2 s; one request stalls 200 ms, delaying the ~200 queued behind it.
        let target = StallingTarget(stallAt: 500)
        let result = LoadDriver.run(
            name: "stall", workload: "stall", Self.workload(target, count: 16), threads: 1,
            options: LoadOptions(durationSeconds: 2, warmupSeconds: 0, rate: 1000), runStart: MonotonicClock.now())
        let s = result.summary
        #expect(s.operations > 1500)
        #expect(s.mode == .open)
        // Corrected: about 10% of requests waited behind the stall, so p99 is most of 200 ms.
        #expect(s.correctedLatencyNanos.p99 > 100_000_000, "corrected p99 \(s.correctedLatencyNanos.p99) ns")
        #expect(s.correctedLatencyNanos.max >= 190_000_000)
        // Uncorrected: one slow sample in ~2000 cannot move p99.
        #expect(s.uncorrectedLatencyNanos.p99 < 100_000_000, "uncorrected p99 \(s.uncorrectedLatencyNanos.p99) ns")
        #expect(s.uncorrectedLatencyNanos.max >= 190_000_000)
    }

    @Test func aWrongExpectationIsCountedAndNamed() {
        var expected = [ReasonCode?](repeating: nil, count: 8)
        let target = NoopTarget(expected: expected)
        expected[3] = .expired  // the plant: the target allows case-3, the expectation says expired
        let result = LoadDriver.run(
            name: "plant", workload: "plant", Self.workload(target, count: 8, expected: expected), threads: 2,
            options: LoadOptions(count: 800, warmupSeconds: 0), runStart: MonotonicClock.now())
        #expect(result.summary.operations == 800)
        #expect(result.summary.mismatches == 100)
        #expect(result.firstMismatches.first?.hasPrefix("case-3: expected expired, got allow") == true)
    }

    @Test func talliesAddUpAndNoopMeasuresTheDriver() {
        let expected: [ReasonCode?] = [nil, .expired, nil, .signatureInvalid]
        let result = LoadDriver.run(
            name: "noop", workload: "noop", Self.workload(NoopTarget(expected: expected), count: 4, expected: expected),
            threads: 2, options: LoadOptions(count: 100_000, warmupSeconds: 0), runStart: MonotonicClock.now())
        let s = result.summary
        #expect(s.operations == 100_000)
        #expect(s.mismatches == 0)
        #expect(s.countsByReason.values.reduce(0, +) == s.operations)
        #expect(s.countsByReason["allow"] == 50_000 && s.countsByReason["expired"] == 25_000)
        #expect(s.countsByAlgorithm["RS256"] == 100_000)
        let recorded = result.histograms.corrected.reduce(UInt64(0)) { $0 + $1.histogram.totalCount }
        #expect(recorded == s.operations)
    }

    @Test func theRealCoreOverAMintedCorpusMatchesEveryExpectation() throws {
        let keySet = try TestKeySet.loadDefault()
        let corpus = try LoadCorpus.mint(
            algorithms: [.rs256, .es256], mix: try WorkloadMix(parsing: "good=0.7,bad=0.3"), sizes: [.typical],
            count: 96, seed: 3, now: 1_767_225_600, keySet: keySet)
        #expect(corpus.items.count >= 90)
        #expect(corpus.items.contains { $0.expected != nil } && corpus.items.contains { $0.expected == nil })
        let result = LoadDriver.run(
            name: "core", workload: "core", LoadDriver.Workload(corpus: corpus), threads: 2,
            options: LoadOptions(count: 400, warmupSeconds: 0), runStart: MonotonicClock.now())
        #expect(result.summary.mismatches == 0, "\(result.firstMismatches)")
        #expect(Set(result.summary.countsByAlgorithm.keys) == ["RS256", "ES256"])
        #expect(result.summary.countsByReason.count > 2)
    }

    @Test func theReportRoundTripsThroughItsFiles() throws {
        let result = LoadDriver.run(
            name: "rt-1t", workload: "rt", Self.workload(NoopTarget(expected: [nil]), count: 1), threads: 1,
            options: LoadOptions(count: 5000, warmupSeconds: 0), runStart: MonotonicClock.now())
        let summary = LoadRunSummary(
            runName: "rt", startedAt: Date(),
            configuration: LoadRunConfiguration(
                algorithms: ["RS256"], mix: "good=1", sizes: ["typical"], threads: [1], durationSeconds: 1, warmupSeconds: 0,
                targetRatePerSecond: nil, seed: 1, backend: "openssl", shard: nil, extra: [:]),
            machine: MachineInfo.current(swiftVersion: "test", openSSLVersion: "test"), series: [result.summary])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jwtbench-rt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try LoadRun.write(RunReport(summary: summary, histograms: ["rt-1t": result.histograms]), to: dir)
        let back = try RunReport(contentsOf: dir)
        #expect(back.summary == summary)
        let original = try result.histograms.correctedTotal()
        let reread = try #require(try back.totals(series: "rt-1t")).corrected
        #expect(
            reread.totalCount == original.totalCount && reread.max == original.max
                && reread.valueAtPercentile(99) == original.valueAtPercentile(99))
    }

    @Test func durationsAndRatesParse() throws {
        #expect(try DurationParser.seconds("10s") == 10)
        #expect(try DurationParser.seconds("500ms") == 0.5)
        #expect(try DurationParser.seconds("2m") == 120)
        #expect(try DurationParser.rate("5000/s") == 5000)
        #expect(throws: HarnessError.self) { try DurationParser.seconds("soon") }
        #expect(throws: HarnessError.self) { try DurationParser.rate("-3/s") }
        #expect(throws: HarnessError.self) { try WorkloadMix(parsing: "good=x") }
        #expect(throws: HarnessError.self) { try WorkloadMix(parsing: "nope=1") }
    }
}
