import Foundation
import JOSECrypto
import Testing

/// ES256/ES384/ES512 against Wycheproof's P1363 (raw r||s) ECDSA files, the JWS signature
/// format, through `makeVerifier` from the group's JWK, on each backend (OpenSSL under every
/// call pattern, BoringSSL).
@Suite("Wycheproof ECDSA P1363 (ES256/384/512)", .enabled(if: Vectors.available, Vectors.skipNote))
struct WycheproofECDSATests {
    static let files = [
        PrimitiveFile(name: "ecdsa_secp256r1_sha256_p1363_test.json", algorithm: .es256),
        PrimitiveFile(name: "ecdsa_secp384r1_sha384_p1363_test.json", algorithm: .es384),
        PrimitiveFile(name: "ecdsa_secp521r1_sha512_p1363_test.json", algorithm: .es512),
    ]

    /// `publicKeyJwk` when the group has one. The 9 groups per file from
    /// github/davidben/ecdsa-r-s-edge-cases have none: their JWK is built from `publicKey.wx`/`wy`
    /// (leading `00` stripped, left-padded to the coordinate size), README section 1.3.
    static func key(for curve: ECCurve) -> WycheproofRunner.KeySource {
        { group in
            if let jwk = group.publicKeyJwk { return (jwk, false) }
            guard let pk = group.publicKey, let wx = pk.wx, let wy = pk.wy else {
                throw TestDataError("ECDSA group without publicKeyJwk or wx/wy")
            }
            let size = curve.coordinateByteCount
            guard let x = leftPadded(try hexBytes(wx), to: size), let y = leftPadded(try hexBytes(wy), to: size) else {
                throw TestDataError("wx/wy longer than \(size) bytes")
            }
            return (JWK(kty: "EC", crv: curve.rawValue, x: Base64URL.encode(x), y: Base64URL.encode(y)), true)
        }
    }

    @Test(
        "every valid verifies, every invalid fails, the backend's configurations agree",
        arguments: files, BackendUnderTest.allCases)
    func p1363(_ file: PrimitiveFile, _ backend: BackendUnderTest) throws {
        guard case .ecdsa(let curve) = file.algorithm.family else { throw TestDataError("not an ES* algorithm") }
        let report = try WycheproofRunner.runAllConfigurations(
            file.name, algorithm: file.algorithm, backend: backend,
            key: Self.key(for: curve))
        #expect(report.validAccepted > 0)
        #expect(report.invalidRejected > 0)
        // The davidben groups (10 cases per file) are run with a JWK built from wx/wy, not skipped.
        #expect(report.fromRawKey == 10)
        #expect(report.failures == 0)
    }

    /// The davidben groups' DER key and our wx/wy-built JWK must be the same key, so those
    /// cases really test the group's key.
    @Test("JWK built from wx/wy equals the group's DER key", arguments: files)
    func rawKeyMatchesDER(_ file: PrimitiveFile) throws {
        guard case .ecdsa(let curve) = file.algorithm.family else { throw TestDataError("not an ES* algorithm") }
        let wycheproof = try Vectors.wycheproof(file.name)
        var checked = 0
        for group in wycheproof.testGroups where group.publicKeyJwk == nil {
            guard let (built, _) = try Self.key(for: curve)(group) else { continue }
            let der = try hexBytes(try #require(group.publicKeyDer))
            let imported = try JWK(publicDER: der)
            #expect(imported.crv == built.crv && imported.x == built.x && imported.y == built.y)
            checked += 1
        }
        #expect(checked == 9)
    }
}
