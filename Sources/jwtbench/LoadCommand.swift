import ArgumentParser
import Foundation
import JOSECrypto
import JWTValidation
import KeySources
import TokenMint
import Policy
import LoadDriver
import Measurement

/// `jwtbench load`: drive the validation core across thread counts and report latency.
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Drive the validation core from N threads, closed loop or at a fixed rate, and write an HdrHistogram report.",
        discussion: "Exit status: 0 when every decision matched its expectation, 1 on any mismatch, 2 on bad usage.")

    @Option(help: "Comma-separated JWS algorithms, or 'all'.")
    var algs: String = "RS256,ES256"
    @Option(help: "Weights over good/bad or variant ids, e.g. good=0.8,bad=0.2.")
    var mix: String = "good=0.8,bad=0.2"
    @Option(help: "Comma-separated claim sizes: small, typical, large.")
    var sizes: String = "typical"
    @Option(help: "Thread counts to sweep, comma-separated (default: 1 up to the core count).")
    var threads: String?
    @Option(help: "Measured time per series (10s, 500ms, 2m).")
    var duration: String = "10s"
    @Option(help: "Total operations per series instead of a duration.")
    var count: Int?
    @Option(help: "Warm-up per series, discarded.")
    var warmup: String = "2s"
    @Option(help: "Open loop: requests per second across all threads (e.g. 20000/s). Without it: closed loop.")
    var rate: String?
    @Option(help: "Seed for the corpus.")
    var seed: UInt64 = 1
    @Option(help: "Tokens in the corpus (minted before timing starts).")
    var corpus: Int = 2048
    @Flag(help: "One series per algorithm (default when several algorithms are given).")
    var perAlg = false
    @Flag(help: "One series mixing all algorithms.")
    var mixed = false
    @Option(help: "Crypto backend: auto (default: each algorithm on the backend measured fastest here), openssl or boringssl. With --policy, overrides its crypto_backend.")
    var cryptoBackend: String?
    @Option(help: "This run is shard i of N (i/N): shards use different corpora; merge with `jwtbench report merge`.")
    var shard: String?
    @Option(help: "What to time: validator (default) or noop (expected decisions returned without validating: the driver's own cost per operation).")
    var target: String = "validator"
    @Option(help: "An ngrok Traffic Policy (or jwt-validation config) to validate --tokens under, with its real key sources (inline, files, additional_jkus under its key-cache strategy).")
    var policy: String?
    @Option(name: .customLong("keys"), help: "With --policy: a JWKS (or single JWK) file to trust as well; repeatable.")
    var keyFiles: [String] = []
    @Option(help: "With --policy: a file of tokens, one per line (e.g. tokens.txt from `jwtbench mint --out`).")
    var tokens: String?
    @Option(help: "With --policy: expectations, one JSON line per token as `mint --out` writes (default: expected.jsonl beside --tokens if present, else every token must be allowed).")
    var expected: String?
    @Option(help: "With --policy: validation time in seconds since the epoch (default: the expectations' mint time, else now).")
    var now: Int64?
    @Option(help: "Report folder (default reports/load-<time>).")
    var out: String?
    @Flag(help: "No live progress.")
    var quiet = false

    func run() throws {
        do {
            let outcome = try Self.execute(self)
            if outcome.mismatches > 0 {
                FileHandle.standardError.write(Data("jwtbench load: \(outcome.mismatches) decisions did not match their expectation\n".utf8))
                throw ExitCode(1)
            }
        } catch let e as HarnessError {
            switch e {
            case .usage(let m): throw CLIError.usage(m)
            case .failed(let m):
                FileHandle.standardError.write(Data("jwtbench load: \(m)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    static func execute(_ o: LoadCommand) throws -> LoadRun.Outcome {
        let algorithms = try MintPlan.algorithms(o.algs)
        let sizes = try o.sizes.split(separator: ",").map { s -> SizeClass in
            guard let size = SizeClass(rawValue: String(s)) else { throw HarnessError.usage("unknown size \(s)") }
            return size
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let threadList = try o.threads.map { spec in
            try spec.split(separator: ",").map { t -> Int in
                guard let n = Int(t), n >= 1, n <= 1024 else { throw HarnessError.usage("--threads: \"\(t)\" is not a thread count") }
                return n
            }
        } ?? Array(1...max(1, cores))
        var shard: (Int, Int)?
        if let s = o.shard {
            let parts = s.split(separator: "/").compactMap { Int($0) }
            guard parts.count == 2, parts[1] >= 1, parts[0] >= 0, parts[0] < parts[1] else {
                throw HarnessError.usage("--shard must be i/N with 0 <= i < N")
            }
            shard = (parts[0], parts[1])
        }
        guard o.target == "validator" || o.target == "noop" else {
            throw HarnessError.usage("--target must be validator or noop, not \"\(o.target)\"")
        }
        guard o.corpus >= 1 else { throw HarnessError.usage("--corpus must be at least 1") }
        let options = LoadOptions(
            durationSeconds: try DurationParser.seconds(o.duration), count: o.count,
            warmupSeconds: try DurationParser.seconds(o.warmup), rate: try o.rate.map(DurationParser.rate), progress: !o.quiet)
        var external: ExternalWorkload?
        var sources: PolicyKeySources?
        var policyBackend: (any CryptoBackend)?
        defer { sources?.shutdown() }
        let chosen = try o.cryptoBackend.map(BackendChoice.named)
        if let policyPath = o.policy {
            guard let tokensPath = o.tokens else { throw HarnessError.usage("--policy needs --tokens FILE (one token per line)") }
            let loaded: Policy
            do { loaded = try Policy.load(path: policyPath) } catch { throw CLIError.configuration("\(policyPath): \(error)") }
            var expectedPath = o.expected
            if expectedPath == nil {
                let beside = URL(fileURLWithPath: tokensPath).deletingLastPathComponent().appendingPathComponent("expected.jsonl").path
                if FileManager.default.fileExists(atPath: beside) { expectedPath = beside }
            }
            policyBackend = loaded.cryptoBackend.flatMap(CryptoBackends.named)
            let set = try PolicyTokenSet.load(tokensPath: tokensPath, expectedPath: expectedPath)
            let keySources = try KeyLoading.sources(for: loaded, extraKeyFiles: o.keyFiles, backend: chosen)
            sources = keySources
            external = ExternalWorkload.policy(loaded, sources: keySources, tokens: set, now: o.now, source: tokensPath,
                                               policyName: policyPath)
        } else if o.tokens != nil || o.expected != nil || !o.keyFiles.isEmpty || o.now != nil {
            throw HarnessError.usage("--tokens, --expected, --keys and --now go with --policy")
        }
        let name = o.out.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "load-" + RunNames.timestamp()
        let backend = chosen ?? policyBackend ?? AutoBackend()
        let runAlgorithms = external.map { $0.tokens.algorithms.compactMap(JWSAlgorithm.init(rawValue:)) } ?? algorithms
        let run = LoadRun(.init(
            algorithms: runAlgorithms, mix: try WorkloadMix(parsing: o.mix), mixSpec: o.mix, sizes: sizes, threads: threadList,
            options: options, seed: o.seed, corpusSize: o.corpus, perAlgorithm: !o.mixed, backend: backend,
            runName: name, shard: shard, noopTarget: o.target == "noop", external: external))
        let outcome = try run.execute(keySet: try TestKeySet.loadDefault()) { print($0) }
        let dir = URL(fileURLWithPath: o.out ?? "reports/\(name)")
        try LoadRun.write(outcome.report, to: dir)
        print("report: \(dir.path)/index.html (summary.json, summary.md, latency.hlog, *.hgrm)")
        return outcome
    }
}

/// Report folder names.
enum RunNames {
    static func timestamp() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        return f.string(from: Date())
    }
}

/// `--crypto-backend`.
enum BackendChoice {
    static func named(_ name: String) throws -> any CryptoBackend {
        switch name {
        case "openssl": return OpenSSLBackend()
        default:
            if let b = CryptoBackends.named(name) { return b }
            throw CLIError.usage("unknown crypto backend \"\(name)\"; use openssl, boringssl or auto")
        }
    }
}
