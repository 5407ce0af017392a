import Benchmark
import BenchFixtures
import JOSECrypto
import JWTKit
import JWTValidation

// End to end: our Validator on small, typical and large tokens (RS256, ES256; OpenSSL and
// BoringSSL), the raw verify of the same key and message in each backend (the ceiling), and
// vapor/jwt-kit 5 verifying the same tokens with the same checks (exp, nbf, aud, iss).
// Names have no spaces (package-benchmark 1.38 looks threshold files up by the raw name).
// One validation per measured iteration: mallocCountTotal is allocations per validation.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 50,
        maxDuration: .seconds(2),
        maxIterations: 200_000,
        // Only allocation counts are stable here (no perf counters for instructions on this
        // machine); wall clock and throughput are reported, never checked.
        thresholds: [.mallocCountTotal: .init(absolute: [.p0: 0, .p50: 0, .p90: 0, .p100: 0])]
    )

    do {
        for algorithm in Fixtures.algorithms {
            let alg = algorithm.rawValue
            for size in TokenSize.allCases {
                let token = try Fixtures.token(algorithm, size)
                for backend in Fixtures.backendNames {
                    let validator = try Fixtures.validator(algorithm, backend: backend)
                    let decision = validator.validate(token: token, now: Fixtures.now)
                    guard decision.isAllowed else { fatalError("\(alg) \(size) \(backend): \(decision)") }
                    Benchmark("validate-\(alg)-\(size.rawValue)-\(backend)") { benchmark in
                        for _ in benchmark.scaledIterations {
                            blackHole(validator.validate(token: token, now: Fixtures.now).isAllowed)
                        }
                    }
                }

                let keys = try Fixtures.blocking { try await Fixtures.jwtKitKeys(algorithm) }
                let claims = try Fixtures.blocking { try await keys.verify(token, as: PeerClaims.self) }
                guard claims.sub.value.hasPrefix("auth0|") else { fatalError("jwt-kit: wrong claims") }
                Benchmark("jwt-kit-\(alg)-\(size.rawValue)") { benchmark async throws in
                    for _ in benchmark.scaledIterations {
                        blackHole(try await keys.verify(token, as: PeerClaims.self))
                    }
                }
            }

            // The signature check alone, same key and signing input (typical token): the
            // verifier our validator uses on each backend, and OpenSSL's own EVP API at its
            // fastest (`openssl-evp`); the ceilings are `openssl-evp` and `boringssl`.
            let (signature, message) = try Fixtures.split(try Fixtures.token(algorithm, .typical))
            for backend in Fixtures.backendNames + ["openssl-evp"] {
                let verifier = try Fixtures.verifier(algorithm, backend: backend)
                guard verifier.verify(signature: signature, message: message) else { fatalError("raw \(alg) \(backend)") }
                Benchmark("raw-verify-\(alg)-\(backend)") { benchmark in
                    signature.withUnsafeBytes { s in
                        message.withUnsafeBytes { m in
                            for _ in benchmark.scaledIterations {
                                blackHole(verifier.verify(signature: s, message: m))
                            }
                        }
                    }
                }
            }
        }
    } catch {
        fatalError("setup: \(error)")
    }
}
