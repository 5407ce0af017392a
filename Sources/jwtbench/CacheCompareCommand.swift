import ArgumentParser
import Foundation
import CacheCompare
import Measurement

/// `jwtbench cache-compare`: every key-cache strategy through every scenario against the
/// embedded issuer (docs/ARCHITECTURE.md, Key sources and key-cache strategies).
struct CacheCompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache-compare",
        abstract: "Run key-cache strategies through rotation, slow and failing identity providers, kid floods and cold starts.",
        discussion: """
            Each strategy x scenario cell starts a fresh embedded issuer and a fresh key provider and drives \
            validations from N threads. Writes cache-compare.json, cache-compare.md and index.html under --out \
            and prints the table. Strategies: \(CacheCompareConfiguration.allStrategies.joined(separator: ", ")) \
            (static: keys loaded once, the throughput reference). Scenarios: \
            \(CacheCompareScenario.allCases.map(\.rawValue).joined(separator: ", ")).
            Exit status: 0 when no invalid token was allowed, 1 on any false accept, 2 on bad usage.
            """)

    @Option(help: "Comma-separated strategies, or 'all'.")
    var strategies: String = CacheCompareConfiguration.allStrategies.joined(separator: ",")
    @Option(help: "Comma-separated scenarios, or 'all'.")
    var scenarios: String = "all"
    @Option(help: "Worker threads per cell (default: the core count).")
    var threads: Int?
    @Option(help: "Measured time per cell (5s, 500ms, 1m).")
    var duration: String = "5s"
    @Option(help: "Length of the idp-outage fault (default: the cell's duration minus a lead and a tail; the cell grows to fit a longer one).")
    var outage: String?
    @Option(help: "Unknown-kid refetch cooldown for the strategies that refetch (real deployments use 30s).")
    var cooldown: String = "1s"
    @Option(help: "Issuer latency per response in slow-idp.")
    var slowLatency: String = "200ms"
    @Option(help: "Report folder (default reports/cache-compare-<time>).")
    var out: String?
    @Flag(help: "No per-cell lines while running.")
    var quiet = false

    func run() throws {
        let configuration: CacheCompareConfiguration
        do {
            configuration = CacheCompareConfiguration(
                strategies: CacheCompareConfiguration.strategyList(strategies), scenarios: try CacheCompareScenario.list(scenarios),
                threads: threads ?? ProcessInfo.processInfo.activeProcessorCount, durationSeconds: try DurationParser.seconds(duration),
                outageSeconds: try outage.map(DurationParser.seconds), cooldownSeconds: try DurationParser.seconds(cooldown),
                slowLatencySeconds: try DurationParser.seconds(slowLatency))
            try configuration.validate()
        } catch let e as HarnessError {
            throw CLIError.usage("cache-compare: \(e)")
        }
        let dir = URL(fileURLWithPath: out ?? "reports/cache-compare-" + RunNames.timestamp())
        let report: CacheCompareReport
        do {
            report = try Self.execute(configuration, into: dir, quiet: quiet)
        } catch let e as HarnessError {
            // A cell that could not run (the issuer did not bind, the first set never loaded)
            // is a failed check, not bad usage.
            FileHandle.standardError.write(Data("jwtbench cache-compare: \(e)\n".utf8))
            throw ExitCode(1)
        }
        print(CacheCompareMarkdown.table(report.cells))
        print("report: \(dir.path)/index.html (cache-compare.json, cache-compare.md)")
        if report.falseAccepts > 0 {
            FileHandle.standardError.write(Data("jwtbench cache-compare: \(report.falseAccepts) invalid tokens were allowed\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Runs the comparison and writes its report into `dir` (also `jwtbench run`'s step).
    static func execute(_ configuration: CacheCompareConfiguration, into dir: URL, quiet: Bool) throws -> CacheCompareReport {
        let cells = configuration.strategies.count * configuration.scenarios.count
        if !quiet { print("cache-compare: \(cells) cells, \(configuration.threads) threads, \(configuration.durationSeconds) s each") }
        let report = try CacheCompareRunner(configuration: configuration).run { line in
            if !quiet { print(line) }
        }
        try report.write(to: dir)
        return report
    }
}
