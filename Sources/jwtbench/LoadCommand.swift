import ArgumentParser
import LoadDriver
import Measurement

/// `jwtbench load`: drive the validation core across thread counts and report latency.
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Drive the validation core from N threads, closed loop or at a fixed rate, and write an HdrHistogram report.",
        discussion: """
            With --policy, the tokens of --tokens are validated under that policy and its real key sources \
            instead of a minted corpus; --tokens, --expected, --keys and --now go with --policy.
            Exit status: 0 when every decision matched its expectation, 1 on any mismatch, 2 on bad usage.
            """)

    enum Defaults: LoadShapeDefaults {
        static let duration = "10s"
        static let warmup = "2s"
    }

    @OptionGroup var shape: LoadShapeOptions<Defaults>
    @Option(help: "Comma-separated claim sizes: small, typical, large.")
    var sizes: String = "typical"
    @Option(help: "Thread counts to sweep, comma-separated (default: 1 up to the core count).")
    var threads: String?
    @Option(help: "Total operations per series instead of a duration.")
    var count: Int?
    @Option(help: "Open loop: requests per second across all threads (e.g. 20000/s). Without it: closed loop.")
    var rate: String?
    @Option(help: "Latency-throughput curve: open loop at these shares of each series' capacity, or rates (30%,60%,85%).")
    var rateSweep: String?
    @Option(help: "With --rate-sweep: report the highest rate whose corrected latency meets this (p99=5ms).")
    var slo: String?
    @Option(help: "Plant one stall in the measurement (200ms@3s: 200 ms, 3 s in) to see coordinated omission corrected.")
    var injectStall: String?
    @Option(help: "Seed for the corpus.")
    var seed: UInt64 = 1
    @Option(help: "Tokens in the corpus (minted before timing starts).")
    var corpus: Int = 2048
    @Flag(help: "One series per algorithm (the default; excludes --mixed).")
    var perAlg = false
    @Flag(help: "One series mixing all algorithms.")
    var mixed = false
    @OptionGroup var crypto: CryptoBackendOptions<PolicyBackendDefault>
    @Option(help: "This run is shard i/N (0-based, e.g. 0/2 and 1/2), with its own corpus; merge with `report merge`.")
    var shard: String?
    @Option(help: "Start the first series at this wall-clock time (UNIX seconds), after minting: shards started apart measure together.")
    var startAt: Double?
    @Option(help: "validator (default), noop (the driver's own cost) or a gateway's http:// URL (with --tokens).")
    var target: String = "validator"
    @Option(help: "Run every series this many times, interleaved, and report the spread between rounds.")
    var rounds = 1
    @Option(help: "With an http:// --target: keep-alive connections over all threads (default 16).")
    var connections: Int?
    @OptionGroup var policy: PolicyOptions
    @Option(help: "With --policy: a file of tokens, one per line (e.g. tokens.txt from `jwtbench mint --out`).")
    var tokens: String?
    @Option(help: "With --policy: one expectation per token, JSON lines (default: expected.jsonl beside --tokens, else allow).")
    var expected: String?
    @OptionGroup var output: ReportOutputOptions
    @Flag(help: "No live progress.")
    var quiet = false

    func run() throws {
        guard !(perAlg && mixed) else { throw HarnessError.usage("--per-alg and --mixed exclude each other") }
        var job = LoadJob.Request()
        (job.algorithms, job.mix, job.duration, job.warmup) = (shape.algorithms.algs, shape.mix, shape.duration, shape.warmup)
        (job.sizes, job.threads, job.count, job.rate, job.seed, job.corpus) = (sizes, threads, count, rate, seed, corpus)
        (job.rateSweep, job.slo, job.injectStall) = (rateSweep, slo, injectStall)
        (job.mixed, job.backend, job.shard, job.startAt, job.target) = (mixed, try crypto.chosen(), shard, startAt, target)
        (job.connections, job.rounds) = (connections, rounds)
        (job.policy, job.keyFiles, job.now) = (policy.policy, policy.keys.keyFiles, policy.now)
        (job.tokens, job.expected, job.out, job.quiet) = (tokens, expected, output.out, quiet)
        let outcome = try LoadJob(job).run(log: { print($0) }, warn: printError)
        if outcome.mismatches > 0 { throw HarnessError.failed("\(outcome.mismatches) decisions did not match their expectation") }
    }
}
