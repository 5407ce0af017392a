import ArgumentParser
import CacheCompare
import MainJob
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
    @Option(help: "Length of the idp-outage fault (default: the cell's duration less a lead and a tail).")
    var outage: String?
    @Option(help: "Unknown-kid refetch cooldown for the strategies that refetch (real deployments use 30s).")
    var cooldown: String = "1s"
    @Option(help: "Issuer latency per response in slow-idp.")
    var slowLatency: String = "200ms"
    @OptionGroup var output: ReportOutputOptions
    @Flag(help: "No per-cell lines while running.")
    var quiet = false

    func run() throws {
        var request = CacheCompareJob.Request()
        (request.strategies, request.scenarios, request.threads, request.duration) = (strategies, scenarios, threads, duration)
        (request.outage, request.cooldown, request.slowLatency, request.out, request.quiet) = (
            outage, cooldown, slowLatency, output.out, quiet
        )
        let job = try CacheCompareJob(request)
        let report = try job.run(log: { print($0) })
        print("report: \(job.directory.path)/index.html (cache-compare.json, cache-compare.md)")
        if report.falseAccepts > 0 { throw HarnessError.failed("\(report.falseAccepts) invalid tokens were allowed") }
    }
}
