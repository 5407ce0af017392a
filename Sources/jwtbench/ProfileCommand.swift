import ArgumentParser
import JOSECrypto
import LoadDriver
import Measurement
import TokenMint

/// `jwtbench profile`: where the time of one validation goes.
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Cost of each stage of a validation, allocations per validation, or a fixed workload for perf/valgrind.")

    @Option(help: "JWS algorithm of the token.")
    var alg: String = "RS256"
    @Option(help: "Claims size: small, typical, large.")
    var size: String = "typical"
    @Option(help: "Rounds per stage; the median is printed.")
    var rounds: Int = 5
    @Option(help: "Run a fixed single-thread validation loop for this long (e.g. 30s) for an outside profiler.")
    var `for`: String?
    @Flag(
        help:
            "Record the fixed workload (--for, default 10s) with perf and write folded stacks and a flame graph; exits 2 saying why when perf is missing or not permitted."
    )
    var perf = false
    @Flag(help: "Nested JWTs by stage instead (RS256 in RSA-OAEP+A256GCM, ES256 in ECDH-ES+A256KW); a JSON line per case.")
    var jwe = false
    @Option(help: "Folder for --perf output.")
    var out: String = "reports/profile"
    @OptionGroup var crypto: CryptoBackendOptions<AutoBackendDefault>

    func run() throws {
        guard let algorithm = JWSAlgorithm(rawValue: alg) else { throw HarnessError.usage("unknown algorithm \(alg)") }
        guard let sizeClass = SizeClass(rawValue: size) else { throw HarnessError.usage("unknown size \(size)") }
        let seconds = try self.for.map(DurationParser.seconds)
        if jwe {
            let jweProfiler = JWEStageProfiler(keySet: try TestKeySet.loadDefault(), size: sizeClass, backend: try crypto.backend())
            return try jweProfiler.report(rounds: rounds) { print($0) }
        }
        let profiler = try StageProfiler(
            algorithm: algorithm, size: sizeClass, backend: try crypto.backend(), keySet: try TestKeySet.loadDefault())
        if perf {
            // --perf records the fixed workload: for --for's duration, else 10 s.
            print(try PerfRecorder.record(out: out) { try profiler.fixedWorkload(seconds: seconds ?? 10) { print($0) } })
        } else if let seconds {
            try profiler.fixedWorkload(seconds: seconds) { print($0) }
        } else {
            for line in try profiler.profile(rounds: rounds, log: { print($0) }).lines { print(line) }
        }
    }
}
