import Foundation
import JOSECrypto
import Testing

/// HS256/HS384/HS512 against Wycheproof's HMAC files, on each backend. Each case carries its own key, wrapped
/// here as `{"kty":"oct","k":...}` and given to `makeVerifier` like any JWK.
///
/// Selection (README section 1.3): groups with `tagSize` equal to the hash are JWS HMAC; a key
/// at least as long as the hash must behave per `result`, a shorter key (RFC 7518 section 3.2)
/// must be refused by `makeVerifier`. Groups with a truncated `tagSize` are not JWS: we check
/// that such a tag never verifies (JWS has no truncated HMAC), whatever its Wycheproof result.
@Suite("Wycheproof HMAC (HS256/384/512)", .enabled(if: Vectors.available, Vectors.skipNote))
struct WycheproofHMACTests {
    static let files = [
        PrimitiveFile(name: "hmac_sha256_test.json", algorithm: .hs256),
        PrimitiveFile(name: "hmac_sha384_test.json", algorithm: .hs384),
        PrimitiveFile(name: "hmac_sha512_test.json", algorithm: .hs512),
    ]

    @Test("full-length tags per result; short keys refused; truncated tags never verify", arguments: files, BackendUnderTest.allCases)
    func hmac(_ file: PrimitiveFile, _ under: BackendUnderTest) throws {
        let wycheproof = try Vectors.wycheproof(file.name)
        let backend = under.backend
        let hashBits = file.algorithm.hash.byteCount * 8
        var validAccepted = 0
        var invalidRejected = 0
        var shortKeysRefused = 0
        var truncatedRejected = 0
        var run = 0
        for group in wycheproof.testGroups {
            let keySize = try #require(group.keySize)
            let tagSize = try #require(group.tagSize)
            for test in group.tests {
                run += 1
                let key = try hexBytes(try #require(test.key))
                #expect(key.count * 8 == keySize)
                let jwk = JWK(kty: "oct", k: Base64URL.encode(key))
                let message = try hexBytes(test.msg ?? "")
                let tag = try hexBytes(try #require(test.tag))
                let what = "\(file.name) tcId \(test.tcId) (key \(keySize), tag \(tagSize)) \(test.comment)"
                if keySize < hashBits {
                    // Valid HMAC, but a JWS key shorter than the hash is refused up front.
                    let message = expectKeyDoesNotFit(file.algorithm, what) {
                        try backend.makeVerifier(key: jwk, algorithm: file.algorithm)
                    }
                    if message != nil { shortKeysRefused += 1 }
                    continue
                }
                let verifier = try backend.makeVerifier(key: jwk, algorithm: file.algorithm)
                let accepted = verifier.verify(signature: tag, message: message)
                if tagSize != hashBits {
                    #expect(!accepted, "\(what): a truncated tag verified")
                    if !accepted { truncatedRejected += 1 }
                    continue
                }
                switch test.result {
                case "valid":
                    #expect(accepted, "\(what): valid tag rejected")
                    if accepted { validAccepted += 1 }
                case "invalid":
                    #expect(!accepted, "\(what): invalid tag accepted")
                    if !accepted { invalidRejected += 1 }
                default:
                    Issue.record("\(what): unexpected result \(test.result) (HMAC files have no acceptable cases)")
                }
            }
        }
        #expect(run == wycheproof.numberOfTests)
        #expect(validAccepted > 0)
        #expect(invalidRejected > 0)
        #expect(shortKeysRefused == 6)  // the two groups with keySize < hash size, 3 cases each
        #expect(truncatedRejected > 0)
        print(
            "wycheproof \(file.name) as \(file.algorithm.rawValue) [\(under.rawValue)]: \(run) run: \(validAccepted) valid verified, "
                + "\(invalidRejected) invalid rejected, 0 acceptable, \(shortKeysRefused) short-key cases refused by makeVerifier, "
                + "\(truncatedRejected) truncated-tag cases rejected")
    }

    /// The tag check must not depend on the message: a valid tag moved to another message fails.
    @Test("a valid tag fails on a different message and under a different full-length key", arguments: BackendUnderTest.allCases)
    func tagBoundToMessageAndKey(_ under: BackendUnderTest) throws {
        let wycheproof = try Vectors.wycheproof("hmac_sha256_test.json")
        let group = try #require(wycheproof.testGroups.first { $0.keySize == 256 && $0.tagSize == 256 })
        let valid = group.tests.filter { $0.result == "valid" }
        #expect(valid.count >= 2)
        let backend = under.backend
        for (a, b) in zip(valid, valid.dropFirst()) {
            let keyA = JWK(kty: "oct", k: Base64URL.encode(try hexBytes(a.key ?? "")))
            let keyB = JWK(kty: "oct", k: Base64URL.encode(try hexBytes(b.key ?? "")))
            let tagA = try hexBytes(a.tag ?? "")
            let msgA = try hexBytes(a.msg ?? "")
            #expect(try backend.makeVerifier(key: keyA, algorithm: .hs256).verify(signature: tagA, message: msgA))
            if keyA != keyB {
                #expect(try !backend.makeVerifier(key: keyB, algorithm: .hs256).verify(signature: tagA, message: msgA))
            }
            let msgB = try hexBytes(b.msg ?? "")
            if msgA != msgB {
                #expect(try !backend.makeVerifier(key: keyA, algorithm: .hs256).verify(signature: tagA, message: msgB))
            }
        }
    }
}
