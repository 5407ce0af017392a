import ArgumentParser
import Foundation
import JOSECrypto
import Reports
import TokenMint
import Conformance
import LoadDriver
import CacheCompare
import Measurement

/// `jwtbench run`: the main job on built-in defaults (docs/ARCHITECTURE.md, CLI commands).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The main job: mint, conformance, a thread sweep, an open-loop run at 70% of capacity, a quick key-cache comparison; one report.",
        discussion: "Exit status: 0 when every check passed, 1 when a decision mismatched or conformance failed, 2 on bad usage.")

    @Option(help: "Comma-separated JWS algorithms to load.")
    var algs: String = "RS256,ES256"
    @Option(help: "Weights over good/bad or variant ids.")
    var mix: String = "good=0.8,bad=0.2"
    @Option(help: "Measured time per series.")
    var duration: String = "8s"
    @Option(help: "Warm-up per series.")
    var warmup: String = "1s"
    @Option(help: "Share of the measured closed-loop capacity for the open-loop run.")
    var openLoopShare: Double = 0.7
    @Option(help: "External vector suites for the conformance step (default ../shared/vectors when present).")
    var suites: String?
    @Flag(help: "Skip the conformance step.")
    var skipConform = false
    @Flag(help: "Skip the quick key-cache comparison.")
    var skipCacheCompare = false
    @Option(help: "Crypto backend: auto (each algorithm on the backend measured fastest here), openssl or boringssl.")
    var cryptoBackend: String = "auto"
    @Option(help: "Report folder (default reports/run-<time>).")
    var out: String?

    func run() throws {
        let started = MonotonicClock.now()
        let name = out.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "run-" + RunNames.timestamp()
        let dir = URL(fileURLWithPath: out ?? "reports/\(name)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let keySet = try TestKeySet.loadDefault()
        var failures: [String] = []

        // 1. Mint: the catalogue once for every algorithm, timed, written beside the report.
        print("== mint")
        let mintStart = MonotonicClock.now()
        let catalogue = try Minter(keySet: keySet).mint(
            MintPlan(algorithms: JWSAlgorithm.allCases, variants: VariantCatalog.all, sizes: [.typical], seed: 1,
                     now: Int64(Date().timeIntervalSince1970)), threads: ProcessInfo.processInfo.activeProcessorCount)
        let mintSeconds = Double(MonotonicClock.now() - mintStart) / 1e9
        print(String(format: "minted the catalogue: %d cases (%d variants x 14 algorithms) in %.2f s, %.0f tokens/s",
                     catalogue.count, VariantCatalog.all.count, mintSeconds, Double(catalogue.count) / mintSeconds))

        // 2. Conformance.
        if !skipConform {
            print("== conformance")
            if let problem = try RunConformance.run(suites: suites, into: dir.appendingPathComponent("conformance")) {
                failures.append(problem)
            }
        }

        // 3. Closed-loop thread sweep, one series per algorithm.
        print("== thread sweep (closed loop)")
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let algorithms = try MintPlan.algorithms(algs)
        let backend = try BackendChoice.named(cryptoBackend)
        let base = LoadRun.Configuration(
            algorithms: algorithms, mix: try WorkloadMix(parsing: mix), mixSpec: mix, sizes: [.typical],
            threads: Array(1...max(1, cores)),
            options: LoadOptions(durationSeconds: try DurationParser.seconds(duration), warmupSeconds: try DurationParser.seconds(warmup), progress: true),
            seed: 1, corpusSize: 2048, perAlgorithm: true, backend: backend, runName: name)
        let sweep = try LoadRun(base).execute(keySet: keySet) { print($0) }

        // 4. Open loop at a share of the all-cores capacity, per algorithm.
        print("== open loop at \(Int(openLoopShare * 100))% of capacity")
        var open: [LoadRun.Outcome] = []
        for algorithm in algorithms {
            guard let capacity = sweep.series.last(where: { $0.summary.name.hasPrefix(algorithm.rawValue + "-") })?.summary.operationsPerSecond else { continue }
            var c = base
            c.algorithms = [algorithm]
            c.threads = [cores]
            c.options.rate = max(1, capacity * openLoopShare)
            open.append(try LoadRun(c).execute(keySet: keySet) { print($0) })
        }

        // One report with every series.
        var report = sweep.report
        for o in open {
            report.summary.series += o.report.summary.series
            for (k, v) in o.report.histograms { report.histograms[k] = v }
        }
        report.summary.configuration.extra["catalogueMintRate"] = String(format: "%.0f", Double(catalogue.count) / mintSeconds)
        report.summary.configuration.extra["openLoopShare"] = String(openLoopShare)
        if !skipConform {
            report.summary.configuration.extra[HTMLReport.relatedReportPrefix + "conformance"] = "conformance/junit.xml"
        }
        if !skipCacheCompare {
            report.summary.configuration.extra[HTMLReport.relatedReportPrefix + "key-cache comparison"] = "cache-compare/index.html"
        }
        try LoadRun.write(report, to: dir)
        let mismatches = sweep.mismatches + open.reduce(0) { $0 + $1.mismatches }
        if mismatches > 0 { failures.append("\(mismatches) load decisions did not match their expectation") }

        // 5. A quick key-cache comparison: two strategies through the three scenarios where
        // they differ most, 3 s per cell (about 20 s); `jwtbench cache-compare` runs them all.
        if !skipCacheCompare {
            print("== key-cache comparison (quick; the full one is jwtbench cache-compare)")
            let cache = CacheCompareConfiguration(strategies: ["ttl", "default"], scenarios: [.rotation, .idpOutage, .kidFlood],
                                                  threads: cores, durationSeconds: 3)
            let cacheReport = try CacheCompareCommand.execute(cache, into: dir.appendingPathComponent("cache-compare"), quiet: false)
            print(CacheCompareMarkdown.table(cacheReport.cells))
            if cacheReport.falseAccepts > 0 {
                failures.append("key-cache comparison: \(cacheReport.falseAccepts) invalid tokens allowed (see \(dir.path)/cache-compare)")
            }
        }

        print("== done in \(String(format: "%.0f", Double(MonotonicClock.now() - started) / 1e9)) s")
        for f in failures { print("FAILED: \(f)") }
        print("report: \(dir.path)/index.html")
        if !failures.isEmpty { throw ExitCode(1) }
    }
}

/// The conformance step of `run`: `jwtbench conform` itself, with its outputs in the report.
enum RunConformance {
    /// Runs the conformance suites into `directory`; returns a failure description, or nil.
    static func run(suites: String?, into directory: URL) throws -> String? {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var arguments = ["--junit", directory.appendingPathComponent("junit.xml").path,
                         "--json", directory.appendingPathComponent("conformance.json").path]
        if let suites { arguments += ["--suites", suites] }
        let command = try ConformCommand.parse(arguments)
        do {
            try command.run()
        } catch let code as ExitCode where code == ExitCode(1) {
            return "conformance: unexpected results (see \(directory.path)/junit.xml)"
        }
        return nil
    }
}
