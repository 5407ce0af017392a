import ArgumentParser
import MainJob
import Measurement

/// `jwtbench run`: the main job on built-in defaults (docs/ARCHITECTURE.md, CLI commands).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract:
            "The main job: mint, conformance, a thread sweep, an open-loop run at 70% of capacity, a quick key-cache comparison; one report.",
        discussion: "Exit status: 0 when every check passed, 1 when a decision mismatched or conformance failed, 2 on bad usage.")

    enum Defaults: LoadShapeDefaults {
        static let duration = "8s"
        static let warmup = "1s"
    }

    @OptionGroup var shape: LoadShapeOptions<Defaults>
    @Option(help: "Share of the measured closed-loop capacity for the open-loop run.")
    var openLoopShare: Double = 0.7
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
        (job.openLoopShare, job.suites, job.skipConformance, job.skipCacheCompare) = (openLoopShare, suites, skipConform, skipCacheCompare)
        (job.backend, job.out) = (try crypto.backend(), output.out)
        let failures = try MainJob(job).run(log: { print($0) })
        if !failures.isEmpty { throw HarnessError.failed(failures.joined(separator: "; ")) }
    }
}
