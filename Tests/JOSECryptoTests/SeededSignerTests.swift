import Dispatch
import Foundation
import Synchronization
import Testing

@testable import JOSECrypto

/// `OpenSSLBackend.makeSeededSigner`: ES* and PS* signatures that are a function of the seed
/// and the message, ordinary enough to verify on every backend, made by OpenSSL's own signing
/// code with only its random draws replaced.
@Suite("Seeded (reproducible) ES* and PS* signing")
struct SeededSignerTests {
    static let seeded: [JWSAlgorithm] = [.es256, .es384, .es512, .ps256, .ps384, .ps512]
    static let seed = Array("seed one".utf8)
    static let messages: [[UInt8]] = [
        [],
        Array("eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlLyIsImV4cCI6NDEwMjQ0NDgwMH0".utf8),
        (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) },
    ]

    static func signer(_ key: JWK, _ algorithm: JWSAlgorithm, seed: [UInt8] = seed) throws -> any SignatureSigner {
        try OpenSSLBackend().makeSeededSigner(key: key, algorithm: algorithm, seed: seed)
    }

    @Test("same seed and message: same signature; another seed or message: another", arguments: seeded)
    func reproducible(_ algorithm: JWSAlgorithm) throws {
        let key = try TestKeys.key(for: algorithm)
        for message in Self.messages {
            // Two signer objects: nothing may ride on a signer's or a thread's earlier draws.
            let a = try Self.signer(key, algorithm).sign(message)
            let b = try Self.signer(key, algorithm).sign(message)
            #expect(a == b, "\(message.count)-byte message")
            #expect(try Self.signer(key, algorithm, seed: Array("seed two".utf8)).sign(message) != a)
            #expect(try Self.signer(key, algorithm).sign(message + [0]) != a)
        }
        // An empty seed is HKDF's default salt, and still reproducible.
        #expect(
            try Self.signer(key, algorithm, seed: []).sign(Self.messages[1]) == Self.signer(key, algorithm, seed: []).sign(Self.messages[1])
        )
    }

    @Test("seeded signatures verify on every backend configuration", arguments: seeded)
    func verifies(_ algorithm: JWSAlgorithm) throws {
        let key = try TestKeys.key(for: algorithm)
        let signer = try Self.signer(key, algorithm)
        let configurations = BackendUnderTest.allCases.flatMap(\.configurations)
        for message in Self.messages {
            let signature = try signer.sign(message)
            for configuration in configurations {
                let verifier = try configuration.backend.makeVerifier(key: key.publicKey, algorithm: algorithm)
                #expect(verifier.verify(signature: signature, message: message), "\(configuration.name), \(message.count)-byte message")
                #expect(!verifier.verify(signature: signature, message: message + [0]), "\(configuration.name)")
            }
        }
    }

    @Test("many signatures on two threads at once equal the same signatures made in order", arguments: [JWSAlgorithm.es384, .ps256])
    func threadsAgree(_ algorithm: JWSAlgorithm) throws {
        // More than 32 per key: RSA renews its blinding every 32 private-key uses, drawing
        // from the private generator mid-stream, which must not change any output.
        let key = try TestKeys.key(for: algorithm)
        let signer = try Self.signer(key, algorithm)
        let messages = (0..<80).map { Array("message \($0)".utf8) }
        let inOrder = try messages.map { try signer.sign($0) }
        let concurrent = Mutex<[Int: [UInt8]]>([:])
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            for i in stride(from: worker, to: messages.count, by: 2) {
                let signature = try? signer.sign(messages[i])
                concurrent.withLock { $0[i] = signature }
            }
        }
        #expect(concurrent.withLock { $0 } == Dictionary(uniqueKeysWithValues: inOrder.enumerated().map { ($0.offset, $0.element) }))
        #expect(Set(inOrder).count == messages.count)
    }

    @Test("a 4096-bit RSA key gets enough bytes for its blinding")
    func largeRSAKey() throws {
        let algorithm = JWSAlgorithm.ps512
        let key = try KeyGenerator.generate(for: algorithm, rsaBits: 4096)
        let signer = try Self.signer(key, algorithm)
        let signatures = try (0..<40).map { try signer.sign(Array("m\($0)".utf8)) }
        #expect(try signatures == (0..<40).map { try Self.signer(key, algorithm).sign(Array("m\($0)".utf8)) })
        let verifier = try BoringSSLBackend().makeVerifier(key: key.publicKey, algorithm: algorithm)
        #expect(verifier.verify(signature: signatures[0], message: Array("m0".utf8)))
    }

    @Test("algorithms that sign deterministically anyway keep their ordinary signer")
    func otherAlgorithms() throws {
        for algorithm in [JWSAlgorithm.hs256, .rs256, .edDSA] {
            let key = try TestKeys.key(for: algorithm)
            let message = Self.messages[1]
            #expect(
                try Self.signer(key, algorithm).sign(message) == OpenSSLBackend().makeSigner(key: key, algorithm: algorithm).sign(message))
        }
    }

    @Test("the ordinary signers stay randomised: the seeded context is not the default one", arguments: [JWSAlgorithm.es256, .ps256])
    func ordinarySignersStayRandomised(_ algorithm: JWSAlgorithm) throws {
        let key = try TestKeys.key(for: algorithm)
        _ = try Self.signer(key, algorithm).sign(Self.messages[1])  // this thread's seeded generators now hold bytes
        let ordinary = try OpenSSLBackend().makeSigner(key: key, algorithm: algorithm)
        #expect(try ordinary.sign(Self.messages[1]) != ordinary.sign(Self.messages[1]))
        #expect(try KeyGenerator.randomBytes(32) != KeyGenerator.randomBytes(32))
    }

    // MARK: what OpenSSL does with the bytes it is handed

    /// The seeded context and an OpenSSL signer in it, without the seed derivation.
    static func rawSigner(_ key: JWK, _ algorithm: JWSAlgorithm) throws -> (SeededRandomContext, OpenSSLSigner) {
        let context = try SeededRandomContext.shared.get()
        let evpKey = try EVPKey.from(jwk: key, wantPrivate: true, libraryContext: context.pointer)
        return (context, OpenSSLSigner(key: evpKey, algorithm: algorithm, libraryContext: context.pointer))
    }

    @Test("every random draw comes from the handed bytes", arguments: seeded)
    func allRandomnessIsHanded(_ algorithm: JWSAlgorithm) throws {
        let (context, signer) = try Self.rawSigner(try TestKeys.key(for: algorithm), algorithm)
        let bytes = [UInt8](repeating: 0x5A, count: 2048)
        let message = Self.messages[1]
        let a = try context.withBytes(public: bytes, private: bytes) { try signer.sign(message) }
        let b = try context.withBytes(public: bytes, private: bytes) { try signer.sign(message) }
        #expect(a == b)
    }

    @Test(
        "the ECDSA nonce also hashes the message: the same handed bytes give another r for another message",
        arguments: [JWSAlgorithm.es256, .es384, .es512])
    func nonceDependsOnMessage(_ algorithm: JWSAlgorithm) throws {
        // OpenSSL 3.0 makes k from SHA-512(private key, digest, drawn bytes), so even equal drawn
        // bytes (which the derivation never hands out for two messages) cannot repeat a nonce.
        let (context, signer) = try Self.rawSigner(try TestKeys.key(for: algorithm), algorithm)
        let bytes = [UInt8](repeating: 0x5A, count: 2048)
        let a = try context.withBytes(public: bytes, private: bytes) { try signer.sign(Array("one".utf8)) }
        let b = try context.withBytes(public: bytes, private: bytes) { try signer.sign(Array("two".utf8)) }
        guard case .ecdsa(let curve) = algorithm.family else { return }
        #expect(a.prefix(curve.coordinateByteCount) != b.prefix(curve.coordinateByteCount))
    }

    @Test("too few handed bytes fail the signature instead of drawing real randomness", arguments: [JWSAlgorithm.es256, .ps256])
    func runningShortFails(_ algorithm: JWSAlgorithm) throws {
        let (context, signer) = try Self.rawSigner(try TestKeys.key(for: algorithm), algorithm)
        #expect(throws: JOSECryptoError.self) {
            try context.withBytes(public: [1, 2, 3], private: [1, 2, 3]) { try signer.sign(Self.messages[1]) }
        }
    }
}
