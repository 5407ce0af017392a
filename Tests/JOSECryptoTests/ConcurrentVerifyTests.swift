import Foundation
import JOSECrypto
import Synchronization
import Testing

/// Verifiers are shared by all threads (per-thread OpenSSL contexts live in thread-local
/// tables; BoringSSL verifiers hold only immutable swift-crypto keys): results must be right
/// whatever the interleaving, on every backend.
@Suite("Concurrent verification")
struct ConcurrentVerifyTests {
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
        func add(_ n: Int) { value.add(n, ordering: .relaxed) }
        var count: Int { value.load(ordering: .relaxed) }
    }

    /// Runs `body(threadIndex)` on `count` fresh threads at once and waits for all of them.
    static func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let done = DispatchGroup()
        for index in 0..<count {
            done.enter()
            let thread = Thread {
                body(index)
                done.leave()
            }
            thread.start()
        }
        done.wait()
    }

    struct Case: Sendable {
        let signature: [UInt8]
        let message: [UInt8]
    }

    @Test("8 threads on one verifier: every result right", arguments: JWSAlgorithm.allCases, BackendUnderTest.allCases)
    func eightThreadsOneVerifier(_ algorithm: JWSAlgorithm, _ under: BackendUnderTest) throws {
        let key = try TestKeys.key(for: algorithm)
        let signer = try under.backend.makeSigner(key: key, algorithm: algorithm)
        let cases: [Case] = try (0..<4).map { i in
            let message = Array("eyJhbGciOiJ\(algorithm.rawValue)\(i)9.eyJzdWIiOiJ\(i)In0".utf8)
            return Case(signature: try signer.sign(message), message: message)
        }
        let iterations = 16
        for configuration in under.configurations {
            let verifier = try configuration.backend.makeVerifier(key: key.publicKey, algorithm: algorithm)
            let wrong = Counter()
            let checks = Counter()
            Self.onThreads(8) { thread in
                for i in 0..<iterations {
                    let k = (thread + i) % cases.count
                    let good = cases[k]
                    let other = cases[(k + 1) % cases.count]
                    var tampered = good.signature
                    tampered[(thread * 7 + i) % tampered.count] ^= 0x04
                    if !verifier.verify(signature: good.signature, message: good.message) { wrong.add(1) }
                    if verifier.verify(signature: tampered, message: good.message) { wrong.add(1) }
                    if verifier.verify(signature: good.signature, message: other.message) { wrong.add(1) }
                    checks.add(3)
                }
            }
            #expect(checks.count == 8 * iterations * 3, "[\(configuration.name)] not every thread finished")
            #expect(wrong.count == 0, "\(algorithm.rawValue) [\(configuration.name)]: \(wrong.count) wrong results under concurrency")
        }
    }

    /// More verifiers than a thread's context table has slots (32), ECDSA and HMAC mixed, used
    /// from 8 threads in different orders: a context must never serve another verifier's key.
    @Test("many verifiers interleaved on the same threads", arguments: BackendUnderTest.allConfigurations)
    func manyVerifiersPerThread(_ configuration: BackendConfiguration) throws {
        let backend = configuration.backend
        var verifiers: [any SignatureVerifier] = []
        var cases: [Case] = []
        for i in 0..<40 {
            let algorithm: JWSAlgorithm = i % 2 == 0 ? .es256 : .hs256
            let key = try KeyGenerator.generate(for: algorithm, kid: "k\(i)")
            let message = Array("message \(i)".utf8)
            cases.append(Case(signature: try backend.makeSigner(key: key, algorithm: algorithm).sign(message), message: message))
            verifiers.append(try backend.makeVerifier(key: key.publicKey, algorithm: algorithm))
        }
        let all = verifiers
        let signed = cases
        let wrong = Counter()
        let checks = Counter()
        Self.onThreads(8) { thread in
            for round in 0..<2 {
                for step in 0..<all.count {
                    // Each thread walks all verifiers in its own order (strides coprime with 40).
                    let stride = [1, 3, 7, 9, 11, 13, 17, 19][thread]
                    let i = (step * stride + round * 5) % all.count
                    let c = signed[i]
                    if !all[i].verify(signature: c.signature, message: c.message) { wrong.add(1) }
                    // The neighbour's signature (same algorithm family two slots on) must fail.
                    let j = (i + 2) % all.count
                    if all[j].verify(signature: c.signature, message: c.message) { wrong.add(1) }
                    checks.add(2)
                }
            }
        }
        #expect(checks.count == 8 * 2 * 40 * 2)
        #expect(wrong.count == 0, "[\(configuration.name)]: \(wrong.count) wrong results")
    }
}
