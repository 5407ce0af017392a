import Foundation
import JOSECrypto
import Testing

/// RFC 7520 section 4 (JWS examples 4.1 RS256, 4.2 PS384, 4.3 ES512, 4.4 HS256) and the RFC 8037
/// Ed25519 example from the JOSE cookbook: verify the compact serialization with the public
/// part of the published key, reject any one flipped bit, and sign with the published private key,
/// on each backend (OpenSSL under every call pattern, BoringSSL).
@Suite("RFC 7520 / RFC 8037 cookbook JWS", .enabled(if: Vectors.available, Vectors.skipNote))
struct JOSECookbookTests {
    struct Example: Decodable {
        struct Input: Decodable {
            let payload: String
            let key: JWK
            let alg: String
        }
        struct Signing: Decodable {
            let protectedB64u: String
            let sigInput: String
            let sig: String
            enum CodingKeys: String, CodingKey {
                case protectedB64u = "protected_b64u"
                case sigInput = "sig-input"
                case sig
            }
        }
        struct Output: Decodable { let compact: String }
        let title: String
        let reproducible: Bool?
        let input: Input
        let signing: Signing
        let output: Output
    }

    static let files = [
        "jose-cookbook/jws/4_1.rsa_v15_signature.json",
        "jose-cookbook/jws/4_2.rsa-pss_signature.json",
        "jose-cookbook/jws/4_3.ecdsa_signature.json",
        "jose-cookbook/jws/4_4.hmac-sha2_integrity_protection.json",
        "jose-cookbook/curve25519/jws.json",
    ]

    @Test("the compact JWS verifies with the public key; one flipped bit fails", arguments: files, BackendUnderTest.allCases)
    func verifies(_ path: String, _ backend: BackendUnderTest) throws {
        let example = try Vectors.decode(Example.self, path)
        let algorithm = try #require(JWSAlgorithm(rawValue: example.input.alg))
        let jws = try CompactJWS(example.output.compact)
        // The published pieces agree with the compact form.
        #expect(jws.signingInput == Array(example.signing.sigInput.utf8))
        #expect(jws.headerSegment == example.signing.protectedB64u)
        #expect(jws.signature == Base64URL.decode(example.signing.sig))
        let payloadSegment = String(example.signing.sigInput.split(separator: ".")[1])
        #expect(Base64URL.decode(payloadSegment) == Array(example.input.payload.utf8))

        // The published key includes its private members (4.3's EC key carries "d", and its
        // 66-byte coordinates start with a zero octet, which must be kept): verify with the
        // public half only.
        let publicKey = example.input.key.publicKey
        #expect(publicKey.d == nil && publicKey.p == nil)
        for configuration in backend.configurations {
            let verifier = try configuration.backend.makeVerifier(key: publicKey, algorithm: algorithm)
            #expect(verifier.verify(signature: jws.signature, message: jws.signingInput), "\(example.title) [\(configuration.name)]")
            for (byte, bit) in flipPositions(jws.signature.count) {
                #expect(
                    !verifier.verify(signature: flippingBit(jws.signature, byte: byte, bit: bit), message: jws.signingInput),
                    "\(example.title) [\(configuration.name)]: signature bit \(bit) of byte \(byte) flipped still verifies")
            }
            for (byte, bit) in flipPositions(jws.signingInput.count) {
                #expect(
                    !verifier.verify(signature: jws.signature, message: flippingBit(jws.signingInput, byte: byte, bit: bit)),
                    "\(example.title) [\(configuration.name)]: signing-input bit \(bit) of byte \(byte) flipped still verifies")
            }
        }
    }

    /// Signing the published signing input with the published private key: the deterministic
    /// algorithms (RS256, HS256, Ed25519) must reproduce the published signature byte for byte;
    /// the randomised ones (PS384, ES512) must produce a signature that verifies.
    @Test("signing with the published private key", arguments: files, BackendUnderTest.allCases)
    func signs(_ path: String, _ backend: BackendUnderTest) throws {
        let example = try Vectors.decode(Example.self, path)
        let algorithm = try #require(JWSAlgorithm(rawValue: example.input.alg))
        let message = Array(example.signing.sigInput.utf8)
        let signer = try backend.backend.makeSigner(key: example.input.key, algorithm: algorithm)
        let signature = try signer.sign(message)
        let deterministic: Bool
        switch algorithm.family {
        case .rsaPKCS1, .hmac, .eddsa: deterministic = true
        case .rsaPSS, .ecdsa: deterministic = false
        }
        if deterministic {
            #expect(example.reproducible == true)
            #expect(Base64URL.encode(signature) == example.signing.sig, "\(example.title): signature differs from the published one")
        }
        // Verified by every backend: a signature is only useful if all of them accept it.
        for other in BackendUnderTest.allCases {
            let verifier = try other.backend.makeVerifier(key: example.input.key.publicKey, algorithm: algorithm)
            #expect(verifier.verify(signature: signature, message: message), "\(example.title): signed by \(backend), rejected by \(other)")
        }
    }
}
