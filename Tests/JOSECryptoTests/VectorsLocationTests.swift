import Foundation
import Testing

/// The vector suites are skipped (not passed) when the vector folder is absent; this suite makes
/// that visible and makes a wrong explicit location fail.
@Suite("Vector folder location")
struct VectorsLocationTests {
    @Test("the vector folder is found, or its absence is reported as a skip")
    func location() throws {
        if Vectors.available {
            print("JOSECryptoTests: using test vectors at \(Vectors.root.path)")
            // Every file the suites read is present (a renamed or moved file fails here, not silently).
            for name in [
                "wycheproof/testvectors_v1/ecdsa_secp256r1_sha256_p1363_test.json",
                "wycheproof/testvectors_v1/rsa_signature_2048_sha256_test.json",
                "wycheproof/testvectors_v1/rsa_pss_misc_test.json",
                "wycheproof/testvectors_v1/ed25519_test.json",
                "wycheproof/testvectors_v1/hmac_sha512_test.json",
                "wycheproof/testvectors_v1/json_web_key_test.json",
                "rfc7515/A1_HS256.json",
                "jose-cookbook/jws/4_3.ecdsa_signature.json",
                "jose-cookbook/curve25519/jws.json",
            ] {
                #expect(FileManager.default.fileExists(atPath: Vectors.url(name).path), "missing \(name)")
            }
        } else if let explicit = Vectors.environmentPath {
            // A location given explicitly must exist: a typo must not turn the suite into skips.
            Issue.record("JWTBENCH_VECTORS=\(explicit) does not name a folder")
        } else {
            print("JOSECryptoTests: SKIPPED the vector suites: no vectors at \(Vectors.root.path) (set JWTBENCH_VECTORS)")
        }
    }
}
