import CacheCompare
import Foundation
import Testing

/// `jwtbench cache-compare` against the embedded issuer on an ephemeral loopback port: every
/// scenario briefly (at most 2 s per cell, few cells). Only counting properties are checked
/// (false rejects, false accepts, fetches); latencies depend on the machine.
@Suite(.serialized) struct CacheCompareTests {
    /// Runs a comparison on its own thread: the runner blocks (issuer start, fetches, worker
    /// joins) and must not hold a Swift-concurrency thread meanwhile.
    static func compare(
        _ strategies: [String], _ scenarios: [CacheCompareScenario], seconds: Double = 1,
        outage: Double? = nil, cooldown: Double = 0.5
    ) async throws -> CacheCompareReport {
        let configuration = CacheCompareConfiguration(
            strategies: strategies, scenarios: scenarios, threads: 2,
            durationSeconds: seconds, outageSeconds: outage, cooldownSeconds: cooldown)
        return try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try CacheCompareRunner(configuration: configuration).run() }) }.start()
        }
    }

    static func cell(_ report: CacheCompareReport, _ strategy: String) throws -> CacheCompareCellResult {
        try #require(report.cells.first { $0.strategy == strategy })
    }

    @Test func steadyDefaultHasNoFalseRejectsAndFetchesOnce() async throws {
        let report = try await Self.compare(["default"], [.steady])
        let cell = try Self.cell(report, "default")
        #expect(cell.operations > 0)
        #expect(cell.mustAllow == cell.operations)
        #expect(cell.falseRejects == 0)
        #expect(cell.falseAccepts == 0)
        // max-age 900: the first load is the only fetch.
        #expect(cell.issuerFetches == 1)
    }

    @Test func throughAnOutageStaleStrategiesKeepAcceptingWhileNoneFails() async throws {
        // 2 s cell: 0.4 s good start, 1 s outage (the 1 s max-age set expires inside it), 0.6 s after.
        let report = try await Self.compare(["default", "stale-if-error", "none"], [.idpOutage], seconds: 2, outage: 1)
        for name in ["default", "stale-if-error"] {
            let cell = try Self.cell(report, name)
            #expect(cell.mustAllow > 0, "\(name)")
            #expect(cell.falseRejects == 0, "\(name): \(cell.falseRejectReasons)")
            #expect(cell.fetchFailures > 0, "\(name): the outage was noticed")
        }
        let none = try Self.cell(report, "none")
        #expect(none.falseRejects > 0)
        #expect(none.falseRejectReasons.keys.allSatisfy { $0 == "keys_unavailable" })
        #expect(report.falseAccepts == 0)
    }

    @Test func aKidFloodCostsAtMostOneFetchPerCooldown() async throws {
        let seconds = 2.0
        let cooldown = 0.5
        let report = try await Self.compare(["default", "refetch-unknown-kid"], [.kidFlood], seconds: seconds, cooldown: cooldown)
        for name in ["default", "refetch-unknown-kid"] {
            let cell = try Self.cell(report, name)
            #expect(cell.mustDeny > 1000, "\(name): the flood ran")
            #expect(cell.falseAccepts == 0, "\(name)")
            #expect(cell.falseRejects == 0, "\(name)")
            // The first load, plus one refetch at the first unknown kid and at most one per
            // cooldown after it (max-age 900: no scheduled refresh in the cell).
            #expect(cell.issuerFetches <= 2 + Int(seconds / cooldown), "\(name): \(cell.fetchesByReason)")
            #expect((cell.fetchesByReason["unknown-kid"] ?? 0) >= 1, "\(name): the gate opened")
        }
    }

    @Test func rotationNeverAllowsTheRetiredKeyOrAForgery() async throws {
        // 2 s cell: rotation at 0.4 s, retirement at 0.8 s; retired-key tokens graded after 2.3 s
        // would need a longer cell, so this checks the ones that must be allowed and the switch.
        let report = try await Self.compare(["default", "ttl"], [.rotation], seconds: 2)
        for name in ["default", "ttl"] {
            let cell = try Self.cell(report, name)
            #expect(cell.rotated && cell.retired, "\(name)")
            #expect(cell.mustAllow > 0, "\(name)")
            #expect(cell.falseAccepts == 0, "\(name)")
        }
    }

    @Test func slowIdPAndColdStartWaitForOneFetch() async throws {
        let slow = try await Self.compare(["default"], [.slowIdP])
        let standard = try Self.cell(slow, "default")
        #expect(standard.falseRejects == 0 && standard.falseAccepts == 0)
        // Refreshes happen in the background: validations never wait for them.
        #expect(standard.waits == 0)
        let cold = try await Self.compare(["ttl", "default"], [.coldStart])
        for name in ["ttl", "default"] {
            let cell = try Self.cell(cold, name)
            // Every thread starts at once: one fetch (single flight), the others wait for it.
            #expect(cell.issuerFetches == 1, "\(name)")
            #expect(cell.falseRejects == 0 && cell.falseAccepts == 0, "\(name)")
        }
    }

    @Test func reportsAreWrittenAsJSONMarkdownAndHTML() async throws {
        let report = try await Self.compare(["static", "default"], [.steady], seconds: 0.5)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cache-compare-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try report.write(to: dir)
        let decoded = try JSONDecoder().decode(
            CacheCompareReport.self, from: Data(contentsOf: dir.appendingPathComponent("cache-compare.json")))
        #expect(decoded.schemaVersion == CacheCompareReport.currentSchemaVersion)
        #expect(decoded.cells == report.cells)
        let html = try String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("</html>"))
        let markdown = try String(contentsOf: dir.appendingPathComponent("cache-compare.md"), encoding: .utf8)
        #expect(markdown.contains("| steady | static |") && markdown.contains("| steady | default |"))
        #expect(try Self.cell(report, "static").issuerFetches == 0)
    }
}
