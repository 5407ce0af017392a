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

    /// Times each cumulative prefix of the stages (`ValidationStageProbe.run(through:)`), the
    /// whole request validation and the raw signature check, interleaved in each of `rounds`
    /// rounds (the same loop count for all, about 50 ms of validations, one thread), then counts
    /// allocations per token validation. A stage's cost is the difference of two prefixes in the same
    /// round (`StageProfile`). Allocations are counted on `validate(token:)` alone (the hot
    /// path). `log` gets the header line before timing starts.
    public func profile(rounds: Int, log: (String) -> Void) throws -> StageProfile {
        guard let probe = ValidationStageProbe(validator: validator, token: token, now: now), let verifier = probe.verifier() else {
            throw HarnessError.usage("cannot prepare the token for stage timing")
        }
        log(
            "profile: \(algorithm.rawValue), \(size.rawValue) claims, token \(token.utf8.count) B, backend \(backendName); median of \(rounds) interleaved rounds, 1 thread; a stage = prefix through it - prefix before it"
        )
        let count = ValidationStageProbe.stages.count
        // Bodies 0..<count: the prefixes; then the whole validation, then the raw verify.
        var bodies: [() -> Int] = (0..<count).map { k in { probe.run(through: k) } }
        bodies.append { probe.validateRequest() }
        bodies.append { probe.verify(with: verifier) ? 1 : 0 }
        let n = Self.loopCount { probe.validateRequest() }
        var timings = [[Double]](repeating: [], count: bodies.count)
        for b in bodies.indices { _ = Self.nanoseconds(per: max(1, n / 8), bodies[b]) }  // warm every path
        for r in 0..<max(1, rounds) {
            // Rotate the order each round so no body always runs right after the same one.
            for j in bodies.indices {
                let b = (j + r) % bodies.count
                timings[b].append(Self.nanoseconds(per: n, bodies[b]))
            }
        }
        let roundCount = timings[0].count
        let prefixRounds = (0..<roundCount).map { r in (0..<count).map { timings[$0][r] } }
        // Counted on validate(token:), the cached-key hot path the zero-allocation goal is
        // about; the request path above also builds the extracted-token list.
        let allocations = AllocationCounter.measure(iterations: 2000) { _ = validator.validate(token: token, now: now) }
        return StageProfile(
            names: ValidationStageProbe.stages, prefixRounds: prefixRounds, validationRounds: timings[count],
            rawRounds: timings[count + 1], allocations: allocations)
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

    /// The loop count that makes `body` take about 50 ms.
    static func loopCount(_ body: () -> Int) -> Int {
        var n = 16
        while true {
            let ns = nanoseconds(per: n, body) * Double(n)
            if ns > 50_000_000 || n > 50_000_000 { return n }
            n *= 4
        }
    }

    /// Nanoseconds per call of `body` over `n` calls.
    static func nanoseconds(per n: Int, _ body: () -> Int) -> Double {
        var sink = 0
        let t0 = MonotonicClock.now()
        for _ in 0..<n { sink &+= body() }
        let ns = Double(MonotonicClock.now() - t0) / Double(n)
        if sink == 42 { print("") }  // keep `sink` alive
        return ns
    }
}
