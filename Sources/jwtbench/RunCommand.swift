import ArgumentParser
import MainJob
import Measurement

/// `jwtbench run`: the main job on built-in defaults (docs/ARCHITECTURE.md, CLI commands).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract:
            "The main job: mint, conformance, a thread sweep, a latency-throughput curve, a quick key-cache comparison; one report.",
        discussion: "Exit status: 0 when every check passed, 1 when a decision mismatched or conformance failed, 2 on bad usage.")

    enum Defaults: LoadShapeDefaults {
        static let duration = "8s"
        static let warmup = "1s"
    }

    @OptionGroup var shape: LoadShapeOptions<Defaults>
    @Option(help: "Open-loop rates of the latency-throughput curve, as shares of the measured capacity or rates.")
    var rateSweep = "30%,60%,85%,95%"
    @Option(help: "The latency objective the curve is checked against (p99=1ms).")
    var slo = "p99=1ms"
    @Option(help: "External vector suites for the conformance step (default ../shared/vectors when present).")
    var suites: String?
    @Flag(help: "Skip the conformance step.")
    var skipConform = false
    @Flag(help: "Skip the quick key-cache comparison.")
    var skipCacheCompare = false
    @OptionGroup var crypto: CryptoBackendOptions<AutoBackendDefault>
    @OptionGroup var output: ReportOutputOptions

    func run() throws {
        var job = MainJob.Request()
        (job.algorithms, job.mix, job.duration, job.warmup) = (shape.algorithms.algs, shape.mix, shape.duration, shape.warmup)
        (job.rateSweep, job.slo, job.suites, job.skipConformance, job.skipCacheCompare) = (
            rateSweep, slo, suites, skipConform, skipCacheCompare
        )
        (job.backend, job.out) = (try crypto.backend(), output.out)
        let failures = try MainJob(job).run(log: { print($0) })
        if !failures.isEmpty { throw HarnessError.failed(failures.joined(separator: "; ")) }
    }
}
