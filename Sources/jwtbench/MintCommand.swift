import ArgumentParser
import MainJob

/// `jwtbench mint`: tokens with known answers from the variant catalogue.
struct MintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mint",
        abstract: "Mint good and bad tokens with their expected decisions (or the project's vectors).",
        discussion: """
            Writes, under --out: jwks.json (the trusted keys; test-only), and per policy a folder \
            <policy>/ with policy.yaml, tokens.txt (one token per line) and expected.jsonl (one \
            expectation per line, aligned with tokens.txt), plus requests.jsonl for request-shaped \
            cases (every policy a request names has its <policy>/policy.yaml). Check a folder with: jwtbench verify --policy OUT/standard/policy.yaml \
            --keys OUT/jwks.json --now T - < OUT/standard/tokens.txt
            """)

    @OptionGroup var algorithms: AlgorithmListOptions
    @Option(help: "'good', 'bad', 'all', or variant ids, comma-separated (see --list).")
    var variants: String = "good,bad"
    @Option(help: "Comma-separated sizes: small, typical, large.")
    var sizes: String = "typical"
    @Option(help: "Cases to mint (default: each applicable combination once).")
    var count: Int?
    @Option(help: "Seed for claims and ids.")
    var seed: UInt64 = 1
    @Option(help: "The time tokens are minted for (seconds since the epoch; default now).")
    var now: Int64?
    @Option(help: "Output folder.")
    var out: String?
    @Option(help: "Minting threads (default: all cores).")
    var threads: Int?
    @Option(help: "Write the project's conformance vectors to this file instead (fixed keys, time and seed).")
    var vectors: String?
    @Flag(help: "List the variant catalogue and exit.")
    var list = false

    func run() throws {
        var job = MintJob.Request()
        (job.algorithms, job.variants, job.sizes, job.count, job.seed, job.now) = (algorithms.algs, variants, sizes, count, seed, now)
        (job.out, job.threads, job.vectors, job.list) = (out, threads ?? job.threads, vectors, list)
        try MintJob(job).run(log: { print($0) })
    }
}
