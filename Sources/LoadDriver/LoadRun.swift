import Foundation
import JOSECrypto
import JWTValidation
import Measurement
import Reports
import TokenMint

/// A whole `jwtbench load` run: mint the corpus, sweep thread counts (optionally one series
/// per algorithm), and assemble the report.
public struct LoadRun: Sendable {
    public struct Configuration: Sendable {
        public var algorithms: [JWSAlgorithm]
        public var mix: WorkloadMix
        public var mixSpec: String
        public var sizes: [SizeClass]
        public var threads: [Int]
        public var options: LoadOptions
        public var seed: UInt64
        public var corpusSize: Int
        public var perAlgorithm: Bool
        public var backend: any CryptoBackend
        public var runName: String
        /// `i/N` when this run is one shard of N.
        public var shard: (index: Int, count: Int)?
        /// Time a no-op target instead of the validator (the driver's own cost).
        public var noopTarget: Bool
        /// Tokens from files under a user's policy instead of a minted corpus.
        public var external: ExternalWorkload?
        /// Open-loop series at these rates after each closed-loop one (a latency-throughput
        /// curve per workload and thread count); nil: one series per workload and thread count.
        public var sweep: RateSweep?
        /// What the sweep's curves are checked against.
        public var slo: LatencySLO?
        /// Wall-clock UNIX seconds at which the first series starts (after the corpus is
        /// minted): shards of one run, started apart (the pods of a Kubernetes Job), measure
        /// the same seconds, so their open-loop rates add up.
        public var startAt: Double?
        /// A gateway over HTTP instead of the in-process core (`load --target URL`).
        public var http: HTTPWorkload?
        /// Every series this many times, interleaved (`SeriesRounds`).
        public var rounds = 1

        public init(
            algorithms: [JWSAlgorithm], mix: WorkloadMix, mixSpec: String, sizes: [SizeClass], threads: [Int],
            options: LoadOptions, seed: UInt64, corpusSize: Int, perAlgorithm: Bool, backend: any CryptoBackend,
            runName: String, shard: (index: Int, count: Int)? = nil, noopTarget: Bool = false,
            external: ExternalWorkload? = nil, sweep: RateSweep? = nil, slo: LatencySLO? = nil, startAt: Double? = nil,
            http: HTTPWorkload? = nil
        ) {
            self.algorithms = algorithms
            self.mix = mix
            self.mixSpec = mixSpec
            self.sizes = sizes
            self.threads = threads
            self.options = options
            self.seed = seed
            self.corpusSize = corpusSize
            self.perAlgorithm = perAlgorithm
            self.backend = backend
            self.runName = runName
            self.shard = shard
            self.noopTarget = noopTarget
            self.external = external
            self.sweep = sweep
            self.slo = slo
            self.startAt = startAt
            self.http = http
        }
    }

    public struct Outcome: Sendable {
        public var report: RunReport
        public var series: [LoadSeriesResult]
        public var mismatches: UInt64 { series.reduce(0) { $0 + $1.summary.mismatches } }
    }

    public let configuration: Configuration

    public init(_ configuration: Configuration) { self.configuration = configuration }

    /// Runs every series. `keySet` (the test keys) is needed to mint the corpus; a run over
    /// `external` tokens does without it.
    public func execute(keySet: @autoclosure () throws -> TestKeySet, log: @escaping @Sendable (String) -> Void) throws -> Outcome {
        let c = configuration
        let now = Int64(Date().timeIntervalSince1970)
        let seed = c.seed &+ UInt64(c.shard?.index ?? 0)
        let groups: [(String, LoadDriver.Workload)]
        let backends: [String: String]
        let corpusCount: Int
        if let http = c.http {
            groups = try http.groups(perAlgorithm: c.perAlgorithm)
            backends = [:]
            corpusCount = http.tokens.items.count
            log(
                "target: \(http.url) over \(http.connections) connections; tokens: \(corpusCount) from \(http.source)"
                    + (http.tokens.fromExpectations
                        ? ", each answer checked against its expectation" : ", every one expected to be allowed"))
        } else if let external = c.external {
            (groups, backends) = Self.externalGroups(external, perAlgorithm: c.perAlgorithm, noop: c.noopTarget)
            corpusCount = external.tokens.items.count
            log(
                "tokens: \(corpusCount) from \(external.source) under \(external.policyDescription)"
                    + (external.tokens.fromExpectations ? ", each checked against its expectation" : ", every one expected to be allowed"))
        } else {
            let mintStart = MonotonicClock.now()
            let corpus = try LoadCorpus.mint(
                algorithms: c.algorithms, mix: c.mix, sizes: c.sizes, count: c.corpusSize,
                seed: seed, now: now, keySet: try keySet(), backend: c.backend)
            log(
                String(
                    format: "corpus: %d tokens minted in %.2f s (%@, sizes %@, mix %@)", corpus.items.count,
                    Double(MonotonicClock.now() - mintStart) / 1e9, c.algorithms.map(\.rawValue).joined(separator: ","),
                    c.sizes.map(\.rawValue).joined(separator: ","), c.mix.description))
            backends = c.noopTarget ? [:] : Self.backends(corpus)
            let slices: [(String, LoadCorpus)] =
                c.perAlgorithm && c.algorithms.count > 1
                ? c.algorithms.map { ($0.rawValue, corpus.filtered($0)) }.filter { !$0.1.items.isEmpty }
                : [(c.algorithms.map(\.rawValue).joined(separator: "+"), corpus)]
            groups = slices.map { ($0.0, LoadDriver.Workload(corpus: $0.1, noop: c.noopTarget)) }
            corpusCount = corpus.items.count
        }
        if c.noopTarget { log("target: noop (expected decisions returned without validating: the driver's own cost)") }
        if let startAt = c.startAt { Self.wait(until: startAt, log: log) }
        let runStart = MonotonicClock.now()
        let startedAt = Date()
        var results: [LoadSeriesResult] = []
        for round in 1...max(1, c.rounds) {
            if c.rounds > 1 { log("round \(round) of \(c.rounds)") }
            for threads in c.threads {
                for (label, workload) in groups {
                    func series(_ name: String, _ options: LoadOptions) -> LoadSeriesResult {
                        let result = Self.runSeries(
                            name: name,
                            workload: c.http.map { "\(label) via \($0.url)" }
                                ?? "\(label) \(c.sizes.map(\.rawValue).joined(separator: ",")) \(c.mixSpec)",
                            workload,
                            threads: threads, options: options, runStart: runStart, backends: backends, log: log)
                        results.append(result)
                        return result
                    }
                    guard let sweep = c.sweep else {
                        _ = series("\(label)-\(c.options.rate == nil ? "closed" : "open")-\(threads)t", c.options)
                        continue
                    }
                    var closed = c.options
                    closed.rate = nil
                    let capacity =
                        sweep.knownCapacity
                        ?? (sweep.needsCapacity ? series("\(label)-closed-\(threads)t", closed).summary.operationsPerSecond : 0)
                    for point in sweep.points {
                        var open = c.options
                        open.rate = sweep.rate(point, capacity: capacity)
                        _ = series("\(label)-open-\(threads)t-\(sweep.suffix(point))", open)
                    }
                }
            }
        }
        if c.rounds > 1 {
            results = Self.mergeRounds(results)
            for r in results { if let spread = r.summary.roundSpread { log("\(r.summary.name): \(spread)") } }
        }
        var configuration = LoadRunConfiguration(
            algorithms: c.algorithms.map(\.rawValue), mix: c.mixSpec, sizes: c.sizes.map(\.rawValue), threads: c.threads,
            durationSeconds: c.options.durationSeconds, warmupSeconds: c.options.warmupSeconds,
            targetRatePerSecond: c.options.rate, seed: c.seed, backend: c.backend.name,
            shard: c.shard.map { "\($0.index)/\($0.count)" },
            extra: [
                "corpus": String(corpusCount), "policy": c.external?.policyDescription ?? "catalogue",
                "count": c.options.count.map(String.init) ?? "",
                "perAlgorithm": String(c.perAlgorithm), "target": c.http?.url ?? (c.noopTarget ? "noop" : "validator"),
            ], rateSweep: c.sweep?.spec, slo: c.slo)
        if let stall = c.options.stall { configuration.extra["plantedStall"] = stall.description }
        if c.rounds > 1 { configuration.extra["rounds"] = String(c.rounds) }
        let summary = LoadRunSummary(
            runName: c.runName, startedAt: startedAt, shardCount: 1, configuration: configuration,
            machine: MachineInfo.current(swiftVersion: Self.swiftVersion, openSSLVersion: OpenSSLBackend.versionString),
            series: results.map(\.summary), runID: UUID().uuidString)
        if let slo = c.slo {
            for curve in LatencyThroughputCurve.curves(in: summary) { log("\(curve.title): \(curve.verdict(slo))") }
        }
        var histograms: [String: SeriesHistograms] = [:]
        for r in results { histograms[r.summary.name] = r.histograms }
        return Outcome(report: RunReport(summary: summary, histograms: histograms), series: results)
    }

    /// The series of every round merged by name, in the order of the first round.
    static func mergeRounds(_ results: [LoadSeriesResult]) -> [LoadSeriesResult] {
        var order: [String] = []
        var byName: [String: [LoadSeriesResult]] = [:]
        for r in results {
            if byName[r.summary.name] == nil { order.append(r.summary.name) }
            byName[r.summary.name, default: []].append(r)
        }
        return order.map { SeriesRounds.combine(byName[$0]!) }
    }

    /// Sleeps until the wall clock reads `startAt` (UNIX seconds); a time already past starts
    /// at once, with a line saying how late, since the shards' seconds then differ.
    static func wait(until startAt: Double, log: @Sendable (String) -> Void) {
        let now = Date().timeIntervalSince1970
        if now >= startAt {
            if now - startAt > 0.5 {
                log(String(format: "start-at: %.1f s late (the shards do not measure the same seconds)", now - startAt))
            }
            return
        }
        log(String(format: "start-at: waiting %.1f s", startAt - now))
        Thread.sleep(forTimeInterval: startAt - now)
    }

    /// One series, logged before and after (with its mismatches and a noise warning).
    static func runSeries(
        name: String, workload label: String, _ workload: LoadDriver.Workload, threads: Int, options: LoadOptions, runStart: UInt64,
        backends: [String: String], log: @escaping @Sendable (String) -> Void
    ) -> LoadSeriesResult {
        log(
            "series \(name): \(threads) thread(s), \(options.rate.map { String(format: "%.0f/s", $0) } ?? "closed loop"), "
                + (options.count.map { "\($0) operations" } ?? String(format: "%.1f s", options.durationSeconds))
                + String(format: " after %.1f s warm-up", options.warmupSeconds))
        let result = LoadDriver.run(
            name: name, workload: label, workload, threads: threads, options: options, runStart: runStart,
            backendByAlgorithm: backends, log: log)
        let s = result.summary
        log(
            String(
                format: "  %@: %.0f ops/s, p50 %.1f µs, p99 %.1f µs, p99.9 %.1f µs (corrected); p99 %.1f µs uncorrected; %llu mismatches",
                name, s.operationsPerSecond, Double(s.correctedLatencyNanos.p50) / 1000, Double(s.correctedLatencyNanos.p99) / 1000,
                Double(s.correctedLatencyNanos.p99_9) / 1000, Double(s.uncorrectedLatencyNanos.p99) / 1000, s.mismatches))
        for m in result.firstMismatches.prefix(5) { log("  MISMATCH \(m)") }
        if let noise = s.machineNoise, !noise.quiet {
            log("  WARNING: \(noise.warning(series: name, serverMayBeHere: workload.target is HTTPLoadTarget))")
        }
        return result
    }

    /// Per-algorithm (or one mixed) workloads over tokens from files, and the backend that
    /// served each algorithm (from the first token allowed).
    static func externalGroups(_ e: ExternalWorkload, perAlgorithm: Bool, noop: Bool)
        -> ([(String, LoadDriver.Workload)], [String: String])
    {
        func workload(_ items: [PolicyTokenSet.Item]) -> LoadDriver.Workload {
            let names = e.tokens.algorithms
            let expected = items.map(\.expected)
            let target: any LoadTarget =
                noop
                ? NoopTarget(expected: expected)
                : PolicyTarget(tokens: items.map(\.token), now: e.now, prepare: e.prepare, validate: e.validate)
            return LoadDriver.Workload(
                target: target, expected: expected,
                algorithmIndex: items.map { names.firstIndex(of: $0.algorithm) ?? 0 },
                algorithmNames: names, ids: items.map(\.id))
        }
        var backends: [String: String] = [:]
        if !noop {
            for item in e.tokens.items where item.expected == nil && backends[item.algorithm] == nil {
                e.prepare()
                if case .allow(let v) = e.validate(item.token, e.now) { backends[item.algorithm] = v.backend }
            }
        }
        let algorithms = e.tokens.algorithms
        if perAlgorithm && algorithms.count > 1 {
            return (algorithms.map { ($0, workload(e.tokens.filtered($0))) }, backends)
        }
        return ([(algorithms.joined(separator: "+"), workload(e.tokens.items))], backends)
    }

    /// Which backend verified each algorithm: the first good token of each, validated once.
    static func backends(_ corpus: LoadCorpus) -> [String: String] {
        var out: [String: String] = [:]
        for item in corpus.items where item.expected == nil && out[item.algorithm.rawValue] == nil {
            guard case .token(let t) = item.input else { continue }
            if case .allow(let v) = corpus.validators[item.validator].validate(token: t, now: corpus.now) {
                out[item.algorithm.rawValue] = v.backend
            }
        }
        return out
    }

    /// The compiler this binary was built with.
    public static var swiftVersion: String {
        #if compiler(>=6.3)
        return "6.3+"
        #elseif compiler(>=6.2)
        return "6.2"
        #else
        return "6.x"
        #endif
    }

    /// Writes the report under `directory` and points `reports/latest` (its sibling) at it.
    public static func write(_ report: RunReport, to directory: URL) throws {
        try report.write(to: directory)
        let latest = directory.deletingLastPathComponent().appendingPathComponent("latest")
        try? FileManager.default.removeItem(at: latest)
        try? FileManager.default.createSymbolicLink(atPath: latest.path, withDestinationPath: directory.lastPathComponent)
    }
}
