import Benchmark
import Foundation
import BenchFixtures
import JOSECrypto
@_spi(Profiling) import JWTValidation

// One stage of a validation at a time (ValidationStageProbe repeats exactly what the validator
// does for that stage), on the typical token; then the signature check alone for each
// algorithm and backend. Names have no spaces: package-benchmark 1.38 writes threshold files
// with spaces turned into "_" but looks them up with the spaces kept. One validation stage per measured iteration, so mallocCountTotal is
// per call.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 100,
        maxDuration: .seconds(1),
        maxIterations: 1_000_000,
        // Only allocation counts are stable on this shared 2-core machine (no perf counters
        // for instructions here); time is reported, never checked.
        thresholds: [.mallocCountTotal: .init(absolute: [.p0: 0, .p50: 0, .p90: 0, .p100: 0])]
    )

    // Stages that do not depend on the algorithm: RS256 typical token, OpenSSL backend.
    do {
        let token = try Fixtures.token(.rs256, .typical)
        let base = try Fixtures.validator(.rs256, backend: "openssl")
        // Extraction reads `Authorization: Bearer <token>` from a prepared request.
        let validator = Validator(rules: base.rules, keys: base.keys, locations: [.authorizationBearer])
        guard let probe = ValidationStageProbe(validator: validator, token: token, now: Fixtures.now) else {
            fatalError("probe: token not well formed")
        }
        for (index, stage) in ValidationStageProbe.stages.enumerated() where stage != "signature" {
            guard probe.run(stage: index) > 0 else { fatalError("stage \(stage) failed on the typical token") }
            Benchmark("stage-\(stage.replacingOccurrences(of: " ", with: "-"))") { benchmark in
                for _ in benchmark.scaledIterations {
                    blackHole(probe.run(stage: index))
                }
            }
        }
    } catch {
        fatalError("setup: \(error)")
    }

    // Signature verify per algorithm and backend, through the validator's prepared verifier
    // (the stage the validator runs last), on the typical token's signing input.
    for algorithm in Fixtures.algorithms {
        for backend in Fixtures.backendNames {
            do {
                let token = try Fixtures.token(algorithm, .typical)
                let validator = try Fixtures.validator(algorithm, backend: backend)
                guard let probe = ValidationStageProbe(validator: validator, token: token, now: Fixtures.now),
                      let verifier = probe.verifier(), probe.verify(with: verifier) else {
                    fatalError("\(algorithm.rawValue) \(backend): the signature does not verify")
                }
                Benchmark("stage-signature-\(algorithm.rawValue)-\(backend)") { benchmark in
                    for _ in benchmark.scaledIterations {
                        blackHole(probe.verify(with: verifier))
                    }
                }
            } catch {
                fatalError("setup: \(error)")
            }
        }
    }
}
