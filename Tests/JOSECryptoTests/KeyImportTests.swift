import Foundation
import JOSECrypto
import Testing

/// PEM (SubjectPublicKeyInfo / PKCS#8) and DER import: the JWK built from a Wycheproof group's
/// `publicKeyPem` and `publicKeyDer` must be the group's JWK (n/e, crv/x/y, or x), and it must
/// verify that group's signatures.
@Suite("PEM and DER import", .enabled(if: Vectors.available, Vectors.skipNote))
struct KeyImportTests {
    struct Source: Sendable, CustomTestStringConvertible {
        let file: String
        let algorithm: JWSAlgorithm
        var testDescription: String { file }
    }

    static let sources: [Source] = [
        Source(file: "ecdsa_secp256r1_sha256_p1363_test.json", algorithm: .es256),
        Source(file: "ecdsa_secp384r1_sha384_p1363_test.json", algorithm: .es384),
        Source(file: "ecdsa_secp521r1_sha512_p1363_test.json", algorithm: .es512),
        Source(file: "rsa_signature_2048_sha256_test.json", algorithm: .rs256),
        Source(file: "rsa_signature_3072_sha384_test.json", algorithm: .rs384),
        Source(file: "rsa_signature_4096_sha512_test.json", algorithm: .rs512),
        Source(file: "rsa_pss_2048_sha256_mgf1_32_test.json", algorithm: .ps256),
        Source(file: "rsa_pss_4096_sha512_mgf1_64_test.json", algorithm: .ps512),
        Source(file: "ed25519_test.json", algorithm: .edDSA),
    ]

    /// The members that make up the public key (kid, alg, use are metadata).
    static func keyMembers(_ jwk: JWK) -> [String?] {
        [jwk.kty, jwk.crv, jwk.x, jwk.y, jwk.n, jwk.e, jwk.d, jwk.k]
    }

    @Test("JWK from publicKeyPem and publicKeyDer equals the group's JWK, and verifies", arguments: sources)
    func publicKeys(_ source: Source) throws {
        let file = try Vectors.wycheproof(source.file)
        var compared = 0
        var verified = 0
        for group in file.testGroups {
            guard let expected = group.publicKeyJwk ?? group.keyJwk else { continue }
            let pem = try #require(group.publicKeyPem)
            let der = try hexBytes(try #require(group.publicKeyDer))
            let fromPEM = try JWK(publicPEM: pem)
            let fromDER = try JWK(publicDER: der)
            #expect(
                Self.keyMembers(fromPEM) == Self.keyMembers(expected.publicKey),
                "\(source.file): PEM key differs from the JWK: \(fromPEM.jsonString()) vs \(expected.jsonString())")
            #expect(Self.keyMembers(fromDER) == Self.keyMembers(fromPEM))
            #expect(!fromPEM.isPrivate && fromPEM.kid == nil && fromPEM.alg == nil)
            compared += 1
            // The imported key is a working key: it verifies the group's first valid case.
            // On every backend: a key OpenSSL imported is used by all of them.
            if let test = group.tests.first(where: { $0.result == "valid" }) {
                for under in BackendUnderTest.allCases {
                    let verifier = try under.backend.makeVerifier(key: fromPEM, algorithm: source.algorithm)
                    #expect(
                        verifier.verify(signature: try hexBytes(test.sig ?? ""), message: try hexBytes(test.msg ?? "")),
                        "\(source.file) tcId \(test.tcId) with the PEM-imported key [\(under.rawValue)]")
                }
                verified += 1
            }
        }
        #expect(compared > 0)
        #expect(verified > 0)
        print("key import \(source.file): \(compared) PEM/DER keys equal their JWK, \(verified) verified a valid case")
    }

    @Test("JWK from privateKeyPem (PKCS#8) equals privateKeyJwk")
    func privateKeys() throws {
        let file = try Vectors.wycheproof("rsa_pkcs1_2048_test.json")
        var compared = 0
        for group in file.testGroups {
            let expected = try #require(group.privateKeyJwk)
            let imported = try JWK(privatePEM: try #require(group.privateKeyPem))
            #expect(imported.isPrivate)
            #expect(
                [imported.kty, imported.n, imported.e, imported.d, imported.p, imported.q, imported.dp, imported.dq, imported.qi]
                    == [expected.kty, expected.n, expected.e, expected.d, expected.p, expected.q, expected.dp, expected.dq, expected.qi])
            compared += 1
        }
        #expect(compared == file.testGroups.count && compared > 0)
        // An imported private key signs, and its public half verifies (the file's key is an
        // RSA1_5 key: used here only to exercise the import).
        let group = try #require(file.testGroups.first)
        var key = try JWK(privatePEM: try #require(group.privateKeyPem))
        key.alg = nil
        let message = Array("imported".utf8)
        let signature = try OpenSSLBackend().makeSigner(key: key, algorithm: .ps256).sign(message)
        #expect(try OpenSSLBackend().makeVerifier(key: key.publicKey, algorithm: .ps256).verify(signature: signature, message: message))
    }

    @Test("malformed or unsupported PEM and DER are invalid keys")
    func refusals() throws {
        let ec = try Vectors.wycheproof("ecdsa_secp256r1_sha256_p1363_test.json").testGroups[0]
        let pem = try #require(ec.publicKeyPem)
        let der = try hexBytes(try #require(ec.publicKeyDer))
        expectInvalidKey("empty PEM") { try JWK(publicPEM: "") }
        expectInvalidKey("not PEM") { try JWK(publicPEM: "hello") }
        expectInvalidKey("PEM with its body cut") { try JWK(publicPEM: String(pem.prefix(60)) + "\n-----END PUBLIC KEY-----\n") }
        expectInvalidKey("public PEM as a private key") { try JWK(privatePEM: pem) }
        expectInvalidKey("empty DER") { try JWK(publicDER: []) }
        expectInvalidKey("truncated DER") { try JWK(publicDER: Array(der.dropLast(10))) }
        var corrupted = der
        corrupted[1] ^= 0x40  // outer SEQUENCE length
        expectInvalidKey("DER with a wrong length") { try JWK(publicDER: corrupted) }

        let rsaPrivate = try #require(try Vectors.wycheproof("rsa_pkcs1_2048_test.json").testGroups.first?.privateKeyPem)
        expectInvalidKey("private PEM as a public key") { try JWK(publicPEM: rsaPrivate) }

        // Well-formed keys of types JWS here does not support.
        let k1 = try #require(try Vectors.wycheproof("ecdsa_secp256k1_sha256_p1363_test.json").testGroups.first?.publicKeyPem)
        expectInvalidKey("secp256k1 PEM") { try JWK(publicPEM: k1) }
        let ed448 = try #require(try Vectors.wycheproof("ed448_test.json").testGroups.first?.publicKeyPem)
        expectInvalidKey("Ed448 PEM") { try JWK(publicPEM: ed448) }
    }
}

/// JWK and JWK Set JSON parsing, independent of the vectors.
@Suite("JWK JSON")
struct JWKJSONTests {
    @Test("JWK JSON round-trips; key_ops keeps its wire name; unknown members are ignored")
    func roundTrip() throws {
        let json =
            #"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","key_ops":["verify"],"use":"sig","kid":"a","x5c":["ignored"]}"#
        let jwk = try JWK(json: json)
        #expect(jwk.keyOps == ["verify"])
        #expect(jwk.kid == "a" && jwk.use == "sig" && jwk.crv == "P-256")
        #expect(!jwk.isPrivate)
        #expect(jwk.jsonString().contains(#""key_ops":["verify"]"#))
        #expect(try JWK(json: jwk.jsonString()) == jwk)
        #expect(try OpenSSLBackend().makeVerifier(key: jwk, algorithm: .es256).algorithm == .es256)
    }

    @Test("JWK Set parsing")
    func keySet() throws {
        let a = try KeyGenerator.generate(for: .es256, kid: "a").publicKey
        let b = try KeyGenerator.generate(for: .hs256, kid: "b")
        let set = JWKSet(keys: [a, b])
        let parsed = try JWKSet(json: set.jsonString())
        #expect(parsed == set)
        #expect(parsed.keys.map(\.kid) == ["a", "b"])
        expectInvalidKey("a JWK where a set is expected") { try JWKSet(json: a.jsonString()) }
        expectInvalidKey("a JWK without kty") { try JWK(json: #"{"crv":"P-256"}"#) }
        expectInvalidKey("not JSON") { try JWK(json: "kty=EC") }
    }
}
