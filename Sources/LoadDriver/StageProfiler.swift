import Foundation
import JOSECrypto
@_spi(Profiling) import JWTValidation
import Measurement
import TokenMint

/// The engine behind `jwtbench profile`: one good token of an algorithm and claims size, minted
/// with the test keys and validated under the catalogue's standard policy, timed stage by
/// stage (`ValidationStageProbe`) against the whole validation and the raw signature check;
/// or validated in a fixed loop for an outside profiler (perf, valgrind, gdb).
public struct StageProfiler: Sendable {
    public let algorithm: JWSAlgorithm
    public let size: SizeClass
    public let token: String
    public let validator: Validator
    /// The validation time (the mint time).
    public let now: Int64
    /// The backend that verified the token (`VerifiedToken.backend`).
    public let backendName: String

    /// Mints the token and checks that it is allowed.
    /// - Throws: `HarnessError.usage` when the token cannot be minted or is not allowed; the
    ///   mint's errors when the test key set cannot be read.
    public init(
        algorithm: JWSAlgorithm, size: SizeClass, backend: any CryptoBackend,
        keySet: TestKeySet, now: Int64 = Int64(Date().timeIntervalSince1970)
    ) throws {
        let plan = MintPlan(
            algorithms: [algorithm], variants: try MintPlan.variants("good-plain"),
            sizes: [size], count: 1, seed: 1, now: now)
        guard let token = try Minter(keySet: keySet).mint(plan, threads: 1).first?.input.token else {
            throw HarnessError.usage("could not mint a \(algorithm.rawValue) token")
        }
        let validator = try CatalogValidators(keySet: keySet, backend: backend).validator(for: .standard, keys: .available)
        guard case .allow(let verified) = validator.validate(token: token, now: now) else {
            throw HarnessError.usage("the minted token was not allowed: \(validator.validate(token: token, now: now))")
        }
        (self.algorithm, self.size, self.token, self.validator, self.now) = (algorithm, size, token, validator, now)
        backendName = verified.backend
    }

    /// Times each stage, the whole validation and the raw signature check (median of `rounds`
    /// rounds of about 100 ms each, one thread), then counts allocations per validation.
    /// `log` gets the header line before timing starts.
    public func profile(rounds: Int, log: (String) -> Void) throws -> StageProfile {
        guard let probe = ValidationStageProbe(validator: validator, token: token, now: now), let verifier = probe.verifier() else {
            throw HarnessError.usage("cannot prepare the token for stage timing")
        }
        log(
            "profile: \(algorithm.rawValue), \(size.rawValue) claims, token \(token.utf8.count) B, backend \(backendName); median of \(rounds) rounds, 1 thread"
        )
        let (validator, token, now) = (validator, token, now)
        let total = Self.time(rounds: rounds) { validator.validate(token: token, now: now).isAllowed ? 1 : 0 }
        let raw = Self.time(rounds: rounds) { probe.verify(with: verifier) ? 1 : 0 }
        let stages = ValidationStageProbe.stages.enumerated().map { i, name in
            (name: name, nanoseconds: Self.time(rounds: rounds) { probe.run(stage: i) })
        }
        let allocations = AllocationCounter.measure(iterations: 2000) { _ = validator.validate(token: token, now: now) }
        return StageProfile(stages: stages, validationNanoseconds: total, rawVerifyNanoseconds: raw, allocations: allocations)
    }

    /// Validates the token in a single-thread loop for `seconds`, for perf, valgrind or gdb
    /// attached from outside; `log` gets the start and end lines.
    /// - Throws: `HarnessError.failed` if any validation was denied.
    public func fixedWorkload(seconds: Double, log: (String) -> Void) throws {
        log(
            "pid \(ProcessInfo.processInfo.processIdentifier): validating one \(algorithm.rawValue) \(size.rawValue) token in a loop for \(seconds) s"
        )
        let end = MonotonicClock.now() + UInt64(seconds * 1e9)
        var n = 0
        var allowed = 0
        while MonotonicClock.now() < end {
            for _ in 0..<64 where validator.validate(token: token, now: now).isAllowed { allowed += 1 }
            n += 64
        }
        guard allowed == n else { throw HarnessError.failed("\(n - allowed) validations were denied") }
        log(String(format: "%d validations, %.0f/s", n, Double(n) / seconds))
    }

    /// Nanoseconds per call of `body`: the loop is sized to about 100 ms, then timed `rounds`
    /// times; the median.
    static func time(rounds: Int, _ body: () -> Int) -> Double {
        var sink = 0
        var n = 16
        while true {
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
}
