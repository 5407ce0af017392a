import ArgumentParser
import Dispatch
import Foundation
import JOSECrypto
@_spi(Profiling) import JWTValidation
import TokenMint
import LoadDriver
import Measurement

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
    @Flag(help: "Record the fixed workload with perf (when installed) and write folded stacks and a flame graph.")
    var perf = false
    @Option(help: "Folder for --perf output.")
    var out: String = "reports/profile"
    @Option(help: "Crypto backend: auto (each algorithm on the backend measured fastest here), openssl or boringssl.")
    var cryptoBackend: String = "auto"

    func run() throws {
        guard let algorithm = JWSAlgorithm(rawValue: alg) else { throw CLIError.usage("unknown algorithm \(alg)") }
        guard let sizeClass = SizeClass(rawValue: size) else { throw CLIError.usage("unknown size \(size)") }
        let backend = try BackendChoice.named(cryptoBackend)
        let keySet = try TestKeySet.loadDefault()
        let now = Int64(Date().timeIntervalSince1970)
        let minted = try Minter(keySet: keySet).mint(MintPlan(algorithms: [algorithm], variants: try MintPlan.variants("good-plain"),
                                                              sizes: [sizeClass], count: 1, seed: 1, now: now), threads: 1)
        guard let token = minted.first?.input.token else { throw CLIError.configuration("could not mint a token") }
        let validator = try CatalogValidators(keySet: keySet, backend: backend).validator(for: .standard, keys: .available)
        guard case .allow(let verified) = validator.validate(token: token, now: now) else {
            throw CLIError.configuration("the minted token was not allowed: \(validator.validate(token: token, now: now))")
        }
        if let duration = self.for {
            try fixedWorkload(validator: validator, token: token, now: now, seconds: try DurationParser.seconds(duration))
            return
        }
        if perf {
            try PerfRecorder.record(out: out, seconds: 10) {
                try fixedWorkload(validator: validator, token: token, now: now, seconds: 10)
            }
            return
        }
        guard let probe = ValidationStageProbe(validator: validator, token: token, now: now), let verifier = probe.verifier() else {
            throw CLIError.configuration("cannot prepare the token for stage timing")
        }
        print("profile: \(algorithm.rawValue), \(sizeClass.rawValue) claims, token \(token.utf8.count) B, backend \(verified.backend); median of \(rounds) rounds, 1 thread")
        func time(_ body: () -> Int) -> Double {
            var sink = 0
            var n = 16
            while true {  // size the loop to about 100 ms
                let t0 = MonotonicClock.now()
                for _ in 0..<n { sink &+= body() }
                let ns = MonotonicClock.now() - t0
                if ns > 50_000_000 || n > 50_000_000 {
                    var samples: [Double] = []
                    for _ in 0..<max(1, rounds) {
                        let s0 = MonotonicClock.now()
                        for _ in 0..<n { sink &+= body() }
                        samples.append(Double(MonotonicClock.now() - s0) / Double(n))
                    }
                    if sink == 42 { print("") }  // keep `sink` alive
                    return samples.sorted()[samples.count / 2]
                }
                n *= 4
            }
        }
        let total = time { validator.validate(token: token, now: now).isAllowed ? 1 : 0 }
        let raw = time { probe.verify(with: verifier) ? 1 : 0 }
        var rows: [(String, Double)] = []
        for (i, name) in ValidationStageProbe.stages.enumerated() {
            rows.append((name, time { probe.run(stage: i) }))
        }
        print("stage                  ns/op   share of a validation")
        for (name, ns) in rows {
            print(name.padding(toLength: 18, withPad: " ", startingAt: 0) + String(format: "%10.0f   %5.1f%%", ns, 100 * ns / total))
        }
        let sum = rows.reduce(0) { $0 + $1.1 }
        print(String(format: "sum of stages     %10.0f   %5.1f%%", sum, 100 * sum / total))
        print(String(format: "validation        %10.0f   100.0%%   (%.0f validations/s)", total, 1e9 / total))
        print(String(format: "raw verify        %10.0f   %5.1f%%   (the same key and bytes, verifier in hand)", raw, 100 * raw / total))
        print(String(format: "outside the signature check: %.0f ns (%.1f%%)", total - raw, 100 * (total - raw) / total))
        if let a = AllocationCounter.measure(iterations: 2000, { _ = validator.validate(token: token, now: now) }) {
            print(String(format: "allocations per validation: %.2f (%.0f bytes, including OpenSSL's own)", a.allocations, a.bytes))
        } else {
            print("allocations per validation: unavailable (jemalloc is not the allocator)")
        }
    }

    /// A fixed single-thread loop, for perf, valgrind or gdb attached from outside.
    func fixedWorkload(validator: Validator, token: String, now: Int64, seconds: Double) throws {
        print("pid \(ProcessInfo.processInfo.processIdentifier): validating one \(alg) \(size) token in a loop for \(seconds) s")
        let end = MonotonicClock.now() + UInt64(seconds * 1e9)
        var n = 0
        var allowed = 0
        while MonotonicClock.now() < end {
            for _ in 0..<64 where validator.validate(token: token, now: now).isAllowed { allowed += 1 }
            n += 64
        }
        guard allowed == n else { throw CLIError.configuration("\(n - allowed) validations were denied") }
        print(String(format: "%d validations, %.0f/s", n, Double(n) / seconds))
    }
}
