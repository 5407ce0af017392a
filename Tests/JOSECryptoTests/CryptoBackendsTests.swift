import Foundation
import JOSECrypto
import Testing

/// Backend selection by name, and AutoBackend's per-algorithm routing.
@Suite("Backend selection")
struct CryptoBackendsTests {
    @Test("named(_:) knows openssl, boringssl and auto, nothing else")
    func names() {
        #expect(CryptoBackends.names == ["openssl", "boringssl", "auto"])
        for name in CryptoBackends.names {
            #expect(CryptoBackends.named(name)?.name == name)
        }
        #expect(CryptoBackends.named("OpenSSL") == nil)
        #expect(CryptoBackends.named("") == nil)
        #expect(CryptoBackends.named("all") == nil)
    }

    @Test("every backend supports every algorithm")
    func supportsEverything() {
        for name in CryptoBackends.names {
            let backend = CryptoBackends.named(name)!
            for algorithm in JWSAlgorithm.allCases {
                #expect(backend.supports(algorithm), "\(name) does not support \(algorithm.rawValue)")
            }
        }
    }

    /// Auto's verifiers and signers come from the preferred backend, and say so.
    @Test("auto routes each algorithm to its preferred backend", arguments: JWSAlgorithm.allCases)
    func routing(_ algorithm: JWSAlgorithm) throws {
        let auto = AutoBackend()
        let key = try TestKeys.key(for: algorithm)
        let verifier = try auto.makeVerifier(key: key.publicKey, algorithm: algorithm)
        #expect(verifier.backendName == AutoBackend.preferred(for: algorithm).rawValue)
        #expect(auto.backend(for: algorithm).name == AutoBackend.preferred(for: algorithm).rawValue)
        let message = Array("routed".utf8)
        let signature = try auto.makeSigner(key: key, algorithm: algorithm).sign(message)
        #expect(verifier.verify(signature: signature, message: message))
        // Key rules still apply through auto (KeyFit runs in the chosen backend).
        var wrongAlg = key.publicKey
        wrongAlg.alg = algorithm == .hs256 ? "HS384" : "HS256"
        expectKeyDoesNotFit(algorithm, "\(algorithm.rawValue) key with alg \(wrongAlg.alg!) through auto") {
            try auto.makeVerifier(key: wrongAlg, algorithm: algorithm)
        }
    }
}
