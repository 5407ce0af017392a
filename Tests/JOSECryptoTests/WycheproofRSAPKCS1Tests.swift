import Foundation
import JOSECrypto
import Testing

/// RS256/RS384/RS512 against Wycheproof's RSASSA-PKCS1-v1_5 files (2048/3072/4096 bits), with
/// the key taken from each group's `keyJwk`, on each backend (OpenSSL under every call pattern, BoringSSL).
@Suite("Wycheproof RSASSA-PKCS1-v1_5 (RS256/384/512)", .enabled(if: Vectors.available, Vectors.skipNote))
struct WycheproofRSAPKCS1Tests {
    static let files: [PrimitiveFile] = [2048, 3072, 4096].flatMap { bits in
        [(256, JWSAlgorithm.rs256), (384, .rs384), (512, .rs512)].map { sha, alg in
            PrimitiveFile(name: "rsa_signature_\(bits)_sha\(sha)_test.json", algorithm: alg)
        }
    }

    static func keyJwk(_ group: WycheproofGroup) throws -> (jwk: JWK, builtFromRaw: Bool)? {
        guard let jwk = group.keyJwk else { throw TestDataError("RSA signature group without keyJwk") }
        return (jwk, false)
    }

    /// Each file has exactly one `acceptable` case (flag MissingNull: a DigestInfo without the
    /// ASN.1 NULL). Our rule is strict, so it must be rejected; `WycheproofRunner` records it.
    @Test(
        "every valid verifies, every invalid and acceptable fails, the backend's configurations agree",
        arguments: files, BackendUnderTest.allCases)
    func pkcs1(_ file: PrimitiveFile, _ backend: BackendUnderTest) throws {
        let report = try WycheproofRunner.runAllConfigurations(file.name, algorithm: file.algorithm, backend: backend, key: Self.keyJwk)
        #expect(report.validAccepted > 0)
        #expect(report.invalidRejected > 0)
        #expect(report.acceptableRejected == 1)
        #expect(report.acceptableAccepted == 0)
        #expect(report.failures == 0)
    }

    @Test("the keyJwk carries the file's algorithm, so KeyFit's alg rule is exercised", arguments: files, BackendUnderTest.allCases)
    func keyAlgMatches(_ file: PrimitiveFile, _ backend: BackendUnderTest) throws {
        let wycheproof = try Vectors.wycheproof(file.name)
        #expect(!wycheproof.testGroups.isEmpty)
        for group in wycheproof.testGroups {
            let jwk = try #require(group.keyJwk)
            #expect(jwk.alg == file.algorithm.rawValue)
            // The same key under the sibling algorithms is refused because of its `alg`.
            for other in [JWSAlgorithm.rs256, .rs384, .rs512, .ps256] where other != file.algorithm {
                expectKeyDoesNotFit(other, "\(file.name) keyJwk (alg \(jwk.alg ?? "-")) for \(other.rawValue)") {
                    try backend.backend.makeVerifier(key: jwk, algorithm: other)
                }
            }
        }
    }
}
