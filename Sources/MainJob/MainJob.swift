import CacheCompare
import Foundation
import JOSECrypto
import LoadDriver
import Measurement
import Reports
import TokenMint

/// `jwtbench run`, the main job on built-in defaults: mint the catalogue, run the conformance
/// suites, sweep thread counts (closed loop), sweep open-loop rates over shares of the
/// measured capacity (a latency-throughput curve per algorithm), compare two key-cache
/// strategies quickly; one report under `reports/run-<time>/`
/// (or `--out`) with the conformance and cache-comparison reports in sub-folders.
public struct MainJob: Sendable {
    /// What `jwtbench run` was asked for, as given on the command line.
    public struct Request: Sendable {
        public var algorithms = "RS256,ES256"
        public var mix = "good=0.8,bad=0.2"
        public var duration = "8s"
        public var warmup = "1s"
        /// The open-loop rates of the latency-throughput curve, as shares of the closed-loop
        /// capacity on all cores (or rates): `RateSweep`'s syntax. Each point runs half the duration.
        public var rateSweep = "30%,60%,85%,95%"
        /// What the curve is checked against (`LatencySLO`'s syntax).
        public var slo = "p99=1ms"
        /// External conformance vectors (default: `../shared/vectors` when present).
        public var suites: String?
        public var skipConformance = false
        public var skipCacheCompare = false
        public var backend: any CryptoBackend = AutoBackend()
        public var out: String?

        public init() {}
    }

    public let request: Request

    public init(_ request: Request) { self.request = request }

    /// Runs every step, logging each under a `== step` heading, and writes the report.
    /// Returns the failed checks (empty: all passed); they are also logged as `FAILED: ...`.
    /// - Throws: `HarnessError.usage` for bad options, checked before any step runs.
    public func run(log: @escaping @Sendable (String) -> Void) throws -> [String] {
        let r = request
        let algorithms = try MintPlan.algorithms(r.algorithms)
        let mix = try WorkloadMix(parsing: r.mix)
        let options = LoadOptions(
            durationSeconds: try DurationParser.seconds(r.duration),
            warmupSeconds: try DurationParser.seconds(r.warmup), progress: true)
        let slo = try LatencySLO(parsing: r.slo)
        _ = try RateSweep(parsing: r.rateSweep)
        var isFolder: ObjCBool = false
        if let suites = r.suites, !r.skipConformance,
            !FileManager.default.fileExists(atPath: suites, isDirectory: &isFolder) || !isFolder.boolValue
        {
            throw HarnessError.usage("--suites \(suites) is not a folder")
        }
        let started = MonotonicClock.now()
        let folder = ReportDirectory(out: r.out, prefix: "run")
        let dir = folder.url
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let keySet = try TestKeySet.loadDefault()
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var failures: [String] = []

        // 1. Mint: the catalogue once for every algorithm, timed.
        log("== mint")
        let mintStart = MonotonicClock.now()
        let catalogue = try Minter(keySet: keySet).mint(
            MintPlan(
                algorithms: JWSAlgorithm.allCases, variants: VariantCatalog.all, sizes: [.typical], seed: 1,
                now: Int64(Date().timeIntervalSince1970)), threads: cores)
        let mintSeconds = Double(MonotonicClock.now() - mintStart) / 1e9
        log(
            String(
                format: "minted the catalogue: %d cases (%d variants x %d algorithms) in %.2f s, %.0f tokens/s",
                catalogue.count, VariantCatalog.all.count, JWSAlgorithm.allCases.count, mintSeconds,
                Double(catalogue.count) / mintSeconds))

        // 2. Conformance: `jwtbench conform`'s job, its JUnit XML and JSON index in the report.
        if !r.skipConformance {
            log("== conformance")
            let conformanceDir = dir.appendingPathComponent("conformance")
            var conform = ConformanceJob.Request()
            conform.externalVectors = r.suites
            conform.junitPath = conformanceDir.appendingPathComponent("junit.xml").path
            conform.jsonPath = conformanceDir.appendingPathComponent("conformance.json").path
            if try ConformanceJob(conform).run(out: log, err: log)?.succeeded == false {
                failures.append("conformance: unexpected results (see \(conformanceDir.path)/junit.xml)")
            }
        }

        // 3. Closed-loop thread sweep, one series per algorithm.
        log("== thread sweep (closed loop)")
        let base = LoadRun.Configuration(
            algorithms: algorithms, mix: mix, mixSpec: r.mix, sizes: [.typical], threads: Array(1...max(1, cores)),
            options: options, seed: 1, corpusSize: 2048, perAlgorithm: true, backend: r.backend, runName: folder.name)
        let sweep = try LoadRun(base).execute(keySet: keySet, log: log)

        // 4. Latency against offered load: open loop at shares of the all-cores capacity the
        // sweep measured, per algorithm (one 70% point said little: on two cores its p99 was
        // mostly scheduling noise; a curve shows where latency turns up).
        log("== latency against offered load: \(r.rateSweep) of capacity, \(slo.description)")
        var open: [LoadRun.Outcome] = []
        for algorithm in algorithms {
            guard
                let capacity = sweep.series.last(where: { $0.summary.name.hasPrefix(algorithm.rawValue + "-") })?
                    .summary.operationsPerSecond
            else { continue }
            var c = base
            c.algorithms = [algorithm]
            c.threads = [cores]
            c.options.durationSeconds = options.durationSeconds / 2
            c.sweep = try RateSweep(parsing: r.rateSweep, knownCapacity: capacity)
            c.slo = slo
            open.append(try LoadRun(c).execute(keySet: keySet, log: log))
        }

        // One report with every series.
        var report = sweep.report
        for o in open {
            report.summary.series += o.report.summary.series
            for (k, v) in o.report.histograms { report.histograms[k] = v }
        }
        report.summary.configuration.extra["catalogueMintRate"] = String(format: "%.0f", Double(catalogue.count) / mintSeconds)
        (report.summary.configuration.rateSweep, report.summary.configuration.slo) = (r.rateSweep, slo)
        if !r.skipConformance {
            report.summary.configuration.extra[HTMLReport.relatedReportPrefix + "conformance"] = "conformance/junit.xml"
        }
        if !r.skipCacheCompare {
            report.summary.configuration.extra[HTMLReport.relatedReportPrefix + "key-cache comparison"] = "cache-compare/index.html"
        }
        try LoadRun.write(report, to: dir)
        let mismatches = sweep.mismatches + open.reduce(0) { $0 + $1.mismatches }
        if mismatches > 0 { failures.append("\(mismatches) load decisions did not match their expectation") }

        // 5. A quick key-cache comparison: two strategies through the three scenarios where
        // they differ most, 3 s per cell (about 20 s); `jwtbench cache-compare` runs them all.
        if !r.skipCacheCompare {
            log("== key-cache comparison (quick; the full one is jwtbench cache-compare)")
            let cache = CacheCompareConfiguration(
                strategies: ["ttl", "default"], scenarios: [.rotation, .idpOutage, .kidFlood],
                threads: cores, durationSeconds: 3)
            let cacheReport = try CacheCompareJob(cache, into: dir.appendingPathComponent("cache-compare"), quiet: false).run(log: log)
            if cacheReport.falseAccepts > 0 {
                failures.append("key-cache comparison: \(cacheReport.falseAccepts) invalid tokens allowed (see \(dir.path)/cache-compare)")
            }
        }

        log("== done in \(String(format: "%.0f", Double(MonotonicClock.now() - started) / 1e9)) s")
        for f in failures { log("FAILED: \(f)") }
        for warning in report.summary.noiseWarnings { log("WARNING: \(warning)") }
        log("report: \(dir.path)/index.html")
        return failures
    }
}
