import Foundation
import JOSECrypto
import Testing

/// For every algorithm and backend: a generated key signs, the public key verifies under every
/// configuration of that backend; another key, another algorithm, a changed message byte and a
/// changed signature byte each fail. (Signatures across backends: CrossBackendTests.)
@Suite("Sign and verify with generated keys")
struct SignVerifyTests {
    static let messages: [[UInt8]] = [
        [],
        Array("eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlLyIsImV4cCI6NDEwMjQ0NDgwMH0".utf8),
        (0..<1500).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) },
    ]

    /// The JWS signature length: the modulus for RSA, r||s for ECDSA, the hash for HMAC, 64 for Ed25519.
    static func signatureLength(_ algorithm: JWSAlgorithm, key: JWK) throws -> Int {
        switch algorithm.family {
        case .hmac: return algorithm.hash.byteCount
        case .rsaPKCS1, .rsaPSS: return try #require(Base64URL.decode(key.n ?? "")).count
        case .ecdsa(let curve): return 2 * curve.coordinateByteCount
        case .eddsa: return 64
        }
    }

    @Test(
        "generate, sign, verify; wrong key, changed message or signature fail", arguments: JWSAlgorithm.allCases, BackendUnderTest.allCases)
    func roundTrip(_ algorithm: JWSAlgorithm, _ under: BackendUnderTest) throws {
        let key = try KeyGenerator.generate(for: algorithm, kid: "k1")
        #expect(key.alg == algorithm.rawValue)
        #expect(key.use == "sig")
        #expect(key.kid == "k1")
        #expect(key.kty == algorithm.keyType)
        #expect(key.isPrivate)
        let publicKey = key.publicKey
        if algorithm.family != .hmac {
            #expect(!publicKey.isPrivate)
        }
        let otherKey = try TestKeys.key(for: algorithm, slot: 1).publicKey
        #expect(otherKey != publicKey)
        // JSON round trip of the generated key, through the public parser.
        #expect(try JWK(json: key.jsonString()) == key)

        let signer = try under.backend.makeSigner(key: key, algorithm: algorithm)
        #expect(signer.algorithm == algorithm)
        let length = try Self.signatureLength(algorithm, key: key)
        for message in Self.messages {
            let signature = try signer.sign(message)
            #expect(signature.count == length)
            for configuration in under.configurations {
                let backend = configuration.backend
                let verifier = try backend.makeVerifier(key: publicKey, algorithm: algorithm)
                let what = "\(algorithm.rawValue) [\(configuration.name)], message of \(message.count) bytes"
                #expect(verifier.algorithm == algorithm)
                // ES256 on OpenSSL names CP256 once the key's table serves (made at import in
                // the key-tables configuration), OpenSSL before that.
                let tabled = algorithm == .es256 && under.rawValue == "openssl" && configuration.name.contains("key-tables")
                #expect(verifier.backendName == (tabled ? "cp256" : under.rawValue), "\(configuration.name)")
                #expect(verifier.verify(signature: signature, message: message), "\(what): own signature rejected")
                #expect(verifier.verify(signature: signature, message: message), "\(what): second verification differs")

                let wrongKey = try backend.makeVerifier(key: otherKey, algorithm: algorithm)
                #expect(!wrongKey.verify(signature: signature, message: message), "\(what): verified under another key")

                for index in Set([0, message.count / 2, message.count - 1]) where message.indices.contains(index) {
                    var changed = message
                    changed[index] ^= 0x01
                    #expect(!verifier.verify(signature: signature, message: changed), "\(what): message byte \(index) changed")
                }
                #expect(!verifier.verify(signature: signature, message: message + [0x2E]), "\(what): byte appended")
                if !message.isEmpty {
                    #expect(!verifier.verify(signature: signature, message: Array(message.dropLast())), "\(what): byte removed")
                }
                for index in Set([0, signature.count / 2, signature.count - 1]) {
                    var changed = signature
                    changed[index] ^= 0x80
                    #expect(!verifier.verify(signature: changed, message: message), "\(what): signature byte \(index) changed")
                }
                #expect(!verifier.verify(signature: Array(signature.dropLast()), message: message), "\(what): truncated signature")
                #expect(!verifier.verify(signature: signature + [0], message: message), "\(what): extended signature")
                #expect(!verifier.verify(signature: [], message: message), "\(what): empty signature")
                #expect(!verifier.verify(signature: [UInt8](repeating: 0, count: length), message: message), "\(what): zero signature")
            }
        }

        // RSASSA-PKCS1-v1_5, HMAC and Ed25519 are deterministic; PSS and ECDSA are randomised.
        let m = Self.messages[1]
        let twice = (try signer.sign(m), try signer.sign(m))
        switch algorithm.family {
        case .rsaPKCS1, .hmac, .eddsa: #expect(twice.0 == twice.1)
        case .rsaPSS, .ecdsa: #expect(twice.0 != twice.1)
        }
    }

    /// The algorithms a key stripped of its `alg` may be built for besides its own: the
    /// signature must still fail there (RS256 under RS384 or PS256, HS256 tag under HS384).
    static func crossAlgorithms(_ algorithm: JWSAlgorithm) -> Set<JWSAlgorithm> {
        switch algorithm.family {
        case .rsaPKCS1, .rsaPSS:
            return Set([.rs256, .rs384, .rs512, .ps256, .ps384, .ps512]).subtracting([algorithm])
        case .hmac:
            // The generated secret is as long as its hash; longer hashes refuse it.
            return Set([.hs256, .hs384, .hs512].filter { $0.hash.byteCount < algorithm.hash.byteCount })
        case .ecdsa, .eddsa:
            return []  // the curve fixes the algorithm
        }
    }

    @Test("a signature fails under every other algorithm for the same key", arguments: JWSAlgorithm.allCases, BackendUnderTest.allCases)
    func wrongAlgorithm(_ algorithm: JWSAlgorithm, _ under: BackendUnderTest) throws {
        let key = try TestKeys.key(for: algorithm)
        let message = Self.messages[1]
        let signature = try under.backend.makeSigner(key: key, algorithm: algorithm).sign(message)
        var unbound = key.publicKey
        unbound.alg = nil
        var built: Set<JWSAlgorithm> = []
        for configuration in under.configurations {
            let backend = configuration.backend
            for other in JWSAlgorithm.allCases where other != algorithm {
                if other.isEquivalent(to: algorithm) {
                    // EdDSA and Ed25519 are two names of one algorithm.
                    #expect(try backend.makeVerifier(key: unbound, algorithm: other).verify(signature: signature, message: message))
                    #expect(try backend.makeVerifier(key: key.publicKey, algorithm: other).verify(signature: signature, message: message))
                    continue
                }
                do {
                    let verifier = try backend.makeVerifier(key: unbound, algorithm: other)
                    built.insert(other)
                    #expect(
                        !verifier.verify(signature: signature, message: message),
                        "\(algorithm.rawValue) signature verified as \(other.rawValue) [\(configuration.name)]")
                } catch JOSECryptoError.keyDoesNotFitAlgorithm(let refused, _) {
                    #expect(refused == other)
                }
                // With its `alg` member, the key is refused for every other algorithm.
                expectKeyDoesNotFit(other, "\(algorithm.rawValue) key (with alg) for \(other.rawValue)") {
                    try backend.makeVerifier(key: key.publicKey, algorithm: other)
                }
            }
        }
        #expect(built == Self.crossAlgorithms(algorithm))
    }
}
