import Foundation
import JOSECrypto
import Testing

/// A signature made by one backend verifies with the other, for every algorithm both support,
/// and a tampered one fails on both: tokens minted with one library must validate with the other.
@Suite("Cross-backend signatures")
struct CrossBackendTests {
    static let messages: [[UInt8]] = [
        [],
        Array("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlLyIsImV4cCI6NDEwMjQ0NDgwMH0".utf8),
        (0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) },
    ]

    static let pairs: [(signer: BackendUnderTest, verifier: BackendUnderTest)] = [(.openssl, .boringssl), (.boringssl, .openssl)]

    @Test("signed by one backend, verified by the other (every configuration)", arguments: JWSAlgorithm.allCases)
    func crossVerify(_ algorithm: JWSAlgorithm) throws {
        var checked = 0
        for (signerBackend, verifierBackend) in Self.pairs {
            guard signerBackend.backend.supports(algorithm), verifierBackend.backend.supports(algorithm) else { continue }
            let key = try TestKeys.key(for: algorithm)
            let signer = try signerBackend.backend.makeSigner(key: key, algorithm: algorithm)
            for message in Self.messages {
                let signature = try signer.sign(message)
                var tampered = signature
                tampered[tampered.count / 3] ^= 0x01
                for configuration in verifierBackend.configurations {
                    let verifier = try configuration.backend.makeVerifier(key: key.publicKey, algorithm: algorithm)
                    let what =
                        "\(algorithm.rawValue) signed by \(signerBackend), verified by \(configuration.name), \(message.count)-byte message"
                    #expect(verifier.verify(signature: signature, message: message), "\(what): rejected")
                    #expect(!verifier.verify(signature: tampered, message: message), "\(what): tampered signature accepted")
                    checked += 1
                }
            }
        }
        #expect(
            checked == Self.messages.count
                * (BackendUnderTest.openssl.configurations.count + BackendUnderTest.boringssl.configurations.count))
    }

    /// The deterministic algorithms (RSASSA-PKCS1-v1_5, HMAC, Ed25519) give the same bytes on
    /// both backends for the same key and message.
    @Test(
        "deterministic algorithms sign byte for byte alike",
        arguments: JWSAlgorithm.allCases.filter {
            switch $0.family {
            case .rsaPKCS1, .hmac, .eddsa: return true
            case .rsaPSS, .ecdsa: return false
            }
        })
    func sameBytes(_ algorithm: JWSAlgorithm) throws {
        let key = try TestKeys.key(for: algorithm)
        for message in Self.messages {
            let a = try OpenSSLBackend().makeSigner(key: key, algorithm: algorithm).sign(message)
            let b = try BoringSSLBackend().makeSigner(key: key, algorithm: algorithm).sign(message)
            #expect(a == b, "\(algorithm.rawValue): OpenSSL and BoringSSL signatures differ")
        }
    }

    /// An RSA private JWK without its primes (RFC 7518 section 6.3.2 makes p, q, dp, dq, qi
    /// optional together) still signs on BoringSSL, and OpenSSL verifies it.
    @Test("RSA private key given as n, e, d only")
    func rsaWithoutPrimes() throws {
        var key = try TestKeys.key(for: .rs256)
        key.p = nil
        key.q = nil
        key.dp = nil
        key.dq = nil
        key.qi = nil
        let message = Self.messages[1]
        let signature = try BoringSSLBackend().makeSigner(key: key, algorithm: .rs256).sign(message)
        #expect(try OpenSSLBackend().makeVerifier(key: key.publicKey, algorithm: .rs256).verify(signature: signature, message: message))
    }

    /// The one known difference in key acceptance: BoringSSL refuses RSA public exponents over
    /// 33 bits (its DoS limit in `rsa_check_public_key`), while `KeyFit` allows up to 64 bits and
    /// OpenSSL takes them. Signatures are judged alike; such a key is just unusable on BoringSSL
    /// (and so on `auto` for RSA). Pinned here so that a change on either side is noticed.
    @Test("known difference: an RSA exponent of 34 to 64 bits is refused by BoringSSL only")
    func largeRSAExponent() throws {
        var key = try TestKeys.key(for: .rs256).publicKey
        key.alg = nil
        key.e = Base64URL.encode([0x01, 0x00, 0x00, 0x00, 0x00, 0x01])  // 2^40 + 1: odd, 41 bits
        #expect(throws: Never.self) { try OpenSSLBackend().makeVerifier(key: key, algorithm: .rs256) }
        expectInvalidKey("RSA e of 41 bits on BoringSSL") { try BoringSSLBackend().makeVerifier(key: key, algorithm: .rs256) }
        key.e = Base64URL.encode([0x01, 0x00, 0x00, 0x00, 0x01])  // 2^32 + 1: 33 bits, accepted by both
        #expect(throws: Never.self) { try BoringSSLBackend().makeVerifier(key: key, algorithm: .rs256) }
    }

    /// A private JWK whose public members do not belong to `d` is refused for signing.
    @Test("EC and Ed25519 private keys whose x/y do not match d are refused by BoringSSL")
    func mismatchedPrivateKeys() throws {
        for algorithm in [JWSAlgorithm.es256, .es384, .es512, .edDSA] {
            var key = try TestKeys.key(for: algorithm)
            key.x = try TestKeys.key(for: algorithm, slot: 1).x
            key.y = try TestKeys.key(for: algorithm, slot: 1).y
            expectInvalidKey("\(algorithm.rawValue) private key with another key's public point") {
                try BoringSSLBackend().makeSigner(key: key, algorithm: algorithm)
            }
        }
    }
}
