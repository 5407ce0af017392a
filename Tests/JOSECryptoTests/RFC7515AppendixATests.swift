import Foundation
import JOSECrypto
import Testing

/// RFC 7515 Appendix A.1 to A.4: the published compact tokens verify with the published keys,
/// over the received `header.payload` text; any single flipped bit in the signature or the
/// signing input makes them fail. Each test runs on each backend (OpenSSL under every call
/// pattern, BoringSSL).
@Suite(
    "RFC 7515 Appendix A",
    .enabled(
        if: Vectors.available && FileManager.default.fileExists(atPath: Vectors.root.appendingPathComponent("rfc7515").path),
        "skipped: no rfc7515/ in the vectors folder (make vectors cannot fetch it)"))
struct RFC7515AppendixATests {
    struct Example: Decodable {
        let id: String
        let token: String?
        let alg: String
        let jwk: JWK?
        let expected: String
    }

    static let files = ["rfc7515/A1_HS256.json", "rfc7515/A2_RS256.json", "rfc7515/A3_ES256.json", "rfc7515/A4_ES512.json"]

    @Test("the example verifies; one flipped bit anywhere in signature or signing input fails", arguments: files, BackendUnderTest.allCases)
    func example(_ path: String, _ backend: BackendUnderTest) throws {
        let example = try Vectors.decode(Example.self, path)
        #expect(example.expected == "valid")
        let algorithm = try #require(JWSAlgorithm(rawValue: example.alg))
        let jws = try CompactJWS(try #require(example.token))
        let jwk = try #require(example.jwk)
        #expect(!jwk.isPrivate || jwk.kty == "oct")  // verify with the public key only
        for configuration in backend.configurations {
            let verifier = try configuration.backend.makeVerifier(key: jwk, algorithm: algorithm)
            #expect(verifier.verify(signature: jws.signature, message: jws.signingInput), "\(example.id) [\(configuration.name)]")
            for (byte, bit) in flipPositions(jws.signature.count) {
                let flipped = flippingBit(jws.signature, byte: byte, bit: bit)
                #expect(
                    !verifier.verify(signature: flipped, message: jws.signingInput),
                    "\(example.id) [\(configuration.name)]: signature bit \(bit) of byte \(byte) flipped still verifies")
            }
            for (byte, bit) in flipPositions(jws.signingInput.count) {
                let flipped = flippingBit(jws.signingInput, byte: byte, bit: bit)
                #expect(
                    !verifier.verify(signature: jws.signature, message: flipped),
                    "\(example.id) [\(configuration.name)]: signing-input bit \(bit) of byte \(byte) flipped still verifies")
            }
            // Truncated and extended signatures fail too.
            #expect(!verifier.verify(signature: Array(jws.signature.dropLast()), message: jws.signingInput))
            #expect(!verifier.verify(signature: jws.signature + [0], message: jws.signingInput))
            #expect(!verifier.verify(signature: [], message: jws.signingInput))
        }
    }

    /// A.1's header contains CRLF: the signature covers the received base64url text, so a
    /// re-serialised header (same JSON, different bytes) must not verify.
    @Test("A.1: the signature covers the received header text, not a re-serialisation", arguments: BackendUnderTest.allCases)
    func a1HeaderBytes(_ backend: BackendUnderTest) throws {
        let example = try Vectors.decode(Example.self, "rfc7515/A1_HS256.json")
        let jws = try CompactJWS(try #require(example.token))
        let header = try #require(Base64URL.decode(jws.headerSegment))
        #expect(header.contains(0x0D) && header.contains(0x0A))
        let verifier = try backend.backend.makeVerifier(key: try #require(example.jwk), algorithm: .hs256)
        let payloadSegment = String(decoding: jws.signingInput, as: UTF8.self).split(separator: ".")[1]
        let reserialised = Array("\(Base64URL.encode(string: #"{"typ":"JWT","alg":"HS256"}"#)).\(payloadSegment)".utf8)
        #expect(verifier.verify(signature: jws.signature, message: jws.signingInput))
        #expect(!verifier.verify(signature: jws.signature, message: reserialised))
    }

    /// A.5 is an unsecured JWS; `none` is not a JWSAlgorithm, so it cannot reach a verifier.
    @Test("A.5: alg none has no JWSAlgorithm")
    func a5None() throws {
        let example = try Vectors.decode(Example.self, "rfc7515/A5_none.json")
        #expect(example.alg == "none")
        #expect(example.expected == "invalid")
        #expect(JWSAlgorithm(rawValue: example.alg) == nil)
        #expect(JWSAlgorithm(rawValue: "None") == nil && JWSAlgorithm(rawValue: "NONE") == nil)
    }

    /// A.2's RS256 token under the RFC 7520 cookbook RSA key (same type and size, other key).
    @Test("A.2 does not verify under another 2048-bit RSA key", arguments: BackendUnderTest.allCases)
    func a2OtherKey(_ backend: BackendUnderTest) throws {
        let example = try Vectors.decode(Example.self, "rfc7515/A2_RS256.json")
        let jws = try CompactJWS(try #require(example.token))
        let other = try JWK(json: String(decoding: try Vectors.data("jose-cookbook/jwk/3_3.rsa_public_key.json"), as: UTF8.self))
        #expect(other.n != example.jwk?.n)
        let verifier = try backend.backend.makeVerifier(key: other, algorithm: .rs256)
        #expect(!verifier.verify(signature: jws.signature, message: jws.signingInput))
    }
}
