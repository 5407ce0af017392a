import Foundation
import JOSECrypto
import Testing

/// EdDSA (Ed25519) against Wycheproof's ed25519_test.json, key from `publicKeyJwk` (OKP), on each backend.
@Suite("Wycheproof Ed25519 (EdDSA)", .enabled(if: Vectors.available, Vectors.skipNote))
struct WycheproofEdDSATests {
    static func publicKeyJwk(_ group: WycheproofGroup) throws -> (jwk: JWK, builtFromRaw: Bool)? {
        guard let jwk = group.publicKeyJwk else { throw TestDataError("Ed25519 group without publicKeyJwk") }
        return (jwk, false)
    }

    /// RFC 8037's `EdDSA` and RFC 9864's fully specified `Ed25519` name the same verifier.
    @Test("every valid verifies, every invalid fails", arguments: [JWSAlgorithm.edDSA, .ed25519], BackendUnderTest.allCases)
    func ed25519(_ algorithm: JWSAlgorithm, _ backend: BackendUnderTest) throws {
        let report = try WycheproofRunner.runAllConfigurations(
            "ed25519_test.json", algorithm: algorithm, backend: backend,
            key: Self.publicKeyJwk)
        #expect(report.validAccepted > 0)
        #expect(report.invalidRejected > 0)
        #expect(report.failures == 0)
    }
}
