import Foundation
import JOSECrypto
import Testing

/// PS256/PS384/PS512 against Wycheproof's RSASSA-PSS files (MGF1 with the same hash, salt as long
/// as the hash: exactly RFC 7518 section 3.5), key from `publicKeyJwk`, on each backend (OpenSSL
/// under every call pattern, BoringSSL).
@Suite("Wycheproof RSASSA-PSS (PS256/384/512)", .enabled(if: Vectors.available, Vectors.skipNote))
struct WycheproofRSAPSSTests {
    static let files = [
        PrimitiveFile(name: "rsa_pss_2048_sha256_mgf1_32_test.json", algorithm: .ps256),
        PrimitiveFile(name: "rsa_pss_3072_sha256_mgf1_32_test.json", algorithm: .ps256),
        PrimitiveFile(name: "rsa_pss_4096_sha256_mgf1_32_test.json", algorithm: .ps256),
        PrimitiveFile(name: "rsa_pss_2048_sha384_mgf1_48_test.json", algorithm: .ps384),
        PrimitiveFile(name: "rsa_pss_4096_sha384_mgf1_48_test.json", algorithm: .ps384),
        PrimitiveFile(name: "rsa_pss_4096_sha512_mgf1_64_test.json", algorithm: .ps512),
    ]

    static func publicKeyJwk(_ group: WycheproofGroup) throws -> (jwk: JWK, builtFromRaw: Bool)? {
        guard let jwk = group.publicKeyJwk else { throw TestDataError("RSA-PSS group without publicKeyJwk") }
        return (jwk, false)
    }

    @Test("every valid verifies, every invalid fails, the backend's configurations agree", arguments: files, BackendUnderTest.allCases)
    func pss(_ file: PrimitiveFile, _ backend: BackendUnderTest) throws {
        let report = try WycheproofRunner.runAllConfigurations(
            file.name, algorithm: file.algorithm, backend: backend,
            key: Self.publicKeyJwk)
        #expect(report.validAccepted > 0)
        #expect(report.invalidRejected > 0)
        #expect(report.failures == 0)
    }

    // MARK: rsa_pss_misc_test.json

    static let miscFile = "rsa_pss_misc_test.json"

    static let psAlgorithms: [String: JWSAlgorithm] = ["SHA-256": .ps256, "SHA-384": .ps384, "SHA-512": .ps512]

    /// `rsa_pss_misc` has no JWK: the key is built from `publicKey.modulus`/`publicExponent`.
    static func rawKey(_ group: WycheproofGroup) throws -> JWK {
        guard let modulus = group.publicKey?.modulus, let exponent = group.publicKey?.publicExponent else {
            throw TestDataError("rsa_pss_misc group without modulus/publicExponent")
        }
        return JWK(
            kty: "RSA", n: Base64URL.encode(stripLeadingZeros(try hexBytes(modulus))),
            e: Base64URL.encode(stripLeadingZeros(try hexBytes(exponent))))
    }

    /// The 2048-bit SHA-512 / MGF1-SHA-512 / sLen 64 group is PS512 (there is no 2048-bit PS512
    /// file with a JWK); all its cases are valid.
    @Test("rsa_pss_misc: the 2048-bit SHA-512/MGF1-SHA-512/sLen-64 group verifies as PS512", arguments: BackendUnderTest.allCases)
    func miscPS512(_ backend: BackendUnderTest) throws {
        let report = try WycheproofRunner.runAllConfigurations(
            Self.miscFile, algorithm: .ps512, backend: backend,
            groups: { $0.sha == "SHA-512" && $0.mgfSha == "SHA-512" && $0.sLen == 64 && $0.keySize == 2048 },
            expectSkipped: 149,
            key: { (try Self.rawKey($0), true) })
        #expect(report.validAccepted == 1)
        #expect(report.failures == 0)
    }

    /// Every other group with a SHA-2 hash JWS uses mixes the MGF1 hash or the salt length, so
    /// it is not PS256/384/512: its (otherwise valid) signatures must be rejected under the PS*
    /// algorithm of its hash. The three groups whose parameters are exactly PS* must verify.
    @Test("rsa_pss_misc: PSS parameters other than RFC 7518's are rejected as PS*", arguments: BackendUnderTest.allConfigurations)
    func miscOtherParametersRejected(_ configuration: BackendConfiguration) throws {
        let file = try Vectors.wycheproof(Self.miscFile)
        let backend = configuration.backend
        var rejected = 0
        var verified = 0
        for group in file.testGroups {
            guard let sha = group.sha, let algorithm = Self.psAlgorithms[sha] else { continue }
            let isPS = group.mgfSha == sha && group.sLen == algorithm.hash.byteCount
            let verifier = try backend.makeVerifier(key: try Self.rawKey(group), algorithm: algorithm)
            for test in group.tests {
                #expect(test.result == "valid")  // valid under the group's own parameters
                let accepted = verifier.verify(signature: try hexBytes(test.sig ?? ""), message: try hexBytes(test.msg ?? ""))
                #expect(
                    accepted == isPS,
                    "tcId \(test.tcId): sha \(sha) mgf \(group.mgfSha ?? "-") sLen \(group.sLen ?? -1) as \(algorithm.rawValue): \(accepted ? "accepted" : "rejected")"
                )
                if accepted { verified += 1 } else { rejected += 1 }
            }
        }
        #expect(verified == 3)
        #expect(rejected == 87)
        print(
            "wycheproof \(Self.miscFile) [\(configuration.name)]: \(verified) exact-PS* cases verified, \(rejected) non-PS* parameter mixes rejected"
        )
    }
}
