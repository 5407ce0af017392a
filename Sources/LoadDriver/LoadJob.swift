import Foundation
import JOSECrypto
import KeySources
import Measurement
import Policy
import Reports
import Revocation
import TokenMint

/// The whole of `jwtbench load` from its options' text: check them, build the corpus (or read
/// a user's tokens under a policy with its real key sources), run the series, write the report.
public struct LoadJob: Sendable {
    /// What `jwtbench load` was asked for, as given on the command line.
    public struct Request: Sendable {
        public var algorithms = "RS256,ES256"
        public var mix = "good=0.8,bad=0.2"
        public var sizes = "typical"
        /// Thread counts, comma-separated; nil: 1 up to the core count.
        public var threads: String?
        public var duration = "10s"
        public var count: Int?
        public var warmup = "2s"
        public var rate: String?
        /// `--rate-sweep`: shares of capacity or rates (`RateSweep`); excludes `rate`.
        public var rateSweep: String?
        /// `--slo p99=5ms`: checked against the sweep's curves.
        public var slo: String?
        /// `--inject-stall 200ms@3s` (`PlantedStall`).
        public var injectStall: String?
        public var seed: UInt64 = 1
        public var corpus = 2048
        /// One series mixing all algorithms (otherwise one per algorithm).
        public var mixed = false
        /// nil: the policy's `crypto_backend`, else `auto`.
        public var backend: (any CryptoBackend)?
        /// `i/N`.
        public var shard: String?
        /// `--start-at`: wall-clock UNIX seconds at which the first series starts.
        public var startAt: Double?
        /// `validator`, `noop`, or a gateway's `http://` URL.
        public var target = "validator"
        /// With an HTTP target: keep-alive connections over all threads.
        public var connections: Int?
        /// `--rounds N`: every series N times, interleaved; the spread is reported.
        public var rounds = 1
        public var policy: String?
        public var keyFiles: [String] = []
        public var tokens: String?
        public var expected: String?
        public var now: Int64?
        public var out: String?
        public var quiet = false

        public init() {}
    }

    public let request: Request

    public init(_ request: Request) { self.request = request }

    /// Runs the series and writes the report; `log` gets progress and results, `warn` the
    /// key sources' warnings. The outcome's `mismatches` say whether every decision matched.
    /// - Throws: `HarnessError.usage` for options that do not fit together or cannot be read,
    ///   `MintError`, `KeySourceError` and the policy's errors for bad configuration.
    public func run(log: @escaping @Sendable (String) -> Void, warn: (String) -> Void) throws -> LoadRun.Outcome {
        let o = request
        let algorithms = try MintPlan.algorithms(o.algorithms)
        let sizes = try MintPlan.sizes(o.sizes)
        let threadList = try o.threads.map(Self.threadCounts) ?? Array(1...max(1, ProcessInfo.processInfo.activeProcessorCount))
        let shard = try o.shard.map(Self.shard)
        let http = try Self.httpWorkload(o)
        guard http != nil || o.target == "validator" || o.target == "noop" else {
            throw HarnessError.usage("--target must be validator, noop or an http:// URL, not \"\(o.target)\"")
        }
        guard o.corpus >= 1 else { throw HarnessError.usage("--corpus must be at least 1") }
        guard (1...100).contains(o.rounds) else { throw HarnessError.usage("--rounds must be 1 to 100") }
        let options = LoadOptions(
            durationSeconds: try DurationParser.seconds(o.duration), count: o.count,
            warmupSeconds: try DurationParser.seconds(o.warmup), rate: try o.rate.map(DurationParser.rate), progress: !o.quiet,
            stall: try o.injectStall.map { spec throws(HarnessError) in try PlantedStall(parsing: spec) })
        let mix = try WorkloadMix(parsing: o.mix)
        guard o.rate == nil || o.rateSweep == nil else { throw HarnessError.usage("--rate and --rate-sweep exclude each other") }
        guard o.slo == nil || o.rateSweep != nil else { throw HarnessError.usage("--slo goes with --rate-sweep") }
        let sweep = try o.rateSweep.map { spec throws(HarnessError) in try RateSweep(parsing: spec) }
        let slo = try o.slo.map { spec throws(HarnessError) in try LatencySLO(parsing: spec) }
        var external: ExternalWorkload?
        var sources: PolicyKeySources?
        var policyBackend: (any CryptoBackend)?
        defer { sources?.shutdown() }
        if http != nil {
            guard o.policy == nil, o.keyFiles.isEmpty, o.now == nil else {
                throw HarnessError.usage("--policy, --keys and --now do not go with an HTTP --target: the gateway holds the policy")
            }
        } else if let policyPath = o.policy {
            guard let tokensPath = o.tokens else { throw HarnessError.usage("--policy needs --tokens FILE (one token per line)") }
            let loaded: Policy
            let revocation: RevocationReloader?
            do {
                loaded = try Policy.load(path: policyPath)
                revocation = try loaded.loadRevocation()
            } catch {
                throw HarnessError.usage("\(policyPath): \(error)")
            }
            var expectedPath = o.expected
            if expectedPath == nil {
                let beside = URL(fileURLWithPath: tokensPath).deletingLastPathComponent()
                    .appendingPathComponent(MintOutput.expectationsFile).path
                if FileManager.default.fileExists(atPath: beside) { expectedPath = beside }
            }
            policyBackend = loaded.cryptoBackend.flatMap(CryptoBackends.named)
            let set = try PolicyTokenSet.load(tokensPath: tokensPath, expectedPath: expectedPath)
            let keySources = try Self.keySources(for: loaded, keyFiles: o.keyFiles, backend: o.backend, warn: warn)
            sources = keySources
            external = ExternalWorkload.policy(
                loaded, sources: keySources, tokens: set, now: o.now, source: tokensPath,
                policyName: policyPath, revocation: revocation?.list)
        } else if o.tokens != nil || o.expected != nil || !o.keyFiles.isEmpty || o.now != nil {
            throw HarnessError.usage("--tokens, --expected, --keys and --now go with --policy")
        }
        let folder = ReportDirectory(out: o.out, prefix: "load")
        let runAlgorithms = external.map { $0.tokens.algorithms.compactMap(JWSAlgorithm.init(rawValue:)) } ?? algorithms
        let run = LoadRun(
            .init(
                algorithms: runAlgorithms, mix: mix, mixSpec: o.mix, sizes: sizes, threads: threadList,
                options: options, seed: o.seed, corpusSize: o.corpus, perAlgorithm: !o.mixed,
                backend: o.backend ?? policyBackend ?? AutoBackend(),
                runName: folder.name, shard: shard, noopTarget: o.target == "noop", external: external, sweep: sweep, slo: slo,
                startAt: o.startAt, http: http))
        var configuration = run.configuration
        configuration.rounds = o.rounds
        let outcome = try LoadRun(configuration).execute(keySet: try TestKeySet.loadDefault(), log: log)
        try LoadRun.write(outcome.report, to: folder.url)
        log("report: \(folder.url.path)/index.html (summary.json, summary.md, latency.hlog, *.hgrm)")
        return outcome
    }

    /// The HTTP workload of `--target http://...` (nil for the in-process targets).
    static func httpWorkload(_ o: Request) throws -> HTTPWorkload? {
        guard o.target.lowercased().hasPrefix("http://") || o.target.lowercased().hasPrefix("https://") else {
            guard o.connections == nil else { throw HarnessError.usage("--connections goes with an http:// --target") }
            return nil
        }
        guard let tokens = o.tokens else {
            throw HarnessError.usage("an HTTP --target needs --tokens FILE (tokens.txt from `jwtbench mint --out`)")
        }
        return try HTTPWorkload(url: o.target, tokensPath: tokens, expectedPath: o.expected, connections: o.connections ?? 16)
    }

    /// The key sources `load --policy` validates with, run as the gateway runs them
    /// (`PolicyKeySources.started`: primed, then started, so the strategy's background work
    /// goes on during the run). The caller calls `shutdown()` when done.
    /// - Throws: as `PolicyKeySources.primed`.
    public static func keySources(
        for policy: Policy, keyFiles: [String], backend: (any CryptoBackend)?, primeTimeout: Duration = .seconds(10),
        warn: (String) -> Void
    ) throws -> PolicyKeySources {
        try PolicyKeySources.started(for: policy, extraKeyFiles: keyFiles, backend: backend, primeTimeout: primeTimeout, warn: warn)
    }

    /// `--threads`: thread counts from 1 to 1024, comma-separated.
    static func threadCounts(_ spec: String) throws -> [Int] {
        try spec.split(separator: ",").map { t -> Int in
            guard let n = Int(t), n >= 1, n <= 1024 else { throw HarnessError.usage("--threads: \"\(t)\" is not a thread count") }
            return n
        }
    }

    /// `--shard i/N` with 0 <= i < N.
    static func shard(_ spec: String) throws -> (index: Int, count: Int) {
        let parts = spec.split(separator: "/").compactMap { Int($0) }
        guard parts.count == 2, parts[1] >= 1, parts[0] >= 0, parts[0] < parts[1] else {
            throw HarnessError.usage("--shard must be i/N with 0 <= i < N")
        }
        return (parts[0], parts[1])
    }
}
