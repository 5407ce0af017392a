import Testing

@testable import JOSECrypto

/// The HMAC verifier's set-up hands OpenSSL an OSSL_PARAM list whose key and value strings must
/// outlive the call that reads them. Found by the FuzzValidator fuzz target: the key was a
/// temporary C string, freed before EVP_MAC_init read it (a heap use after free that
/// AddressSanitizer reports, so this test fails under scripts/asan.sh without the fix; in a
/// plain build the freed bytes usually still read "digest"). RFC 4231 test case 2.
@Suite struct OpenSSLHMACTests {
    static let key = Array("Jefe".utf8)
    static let data = Array("what do ya want for nothing?".utf8)

    @Test(arguments: [
        (JWSAlgorithm.hs256, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (.hs384, "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649"),
        (
            .hs512,
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
                + "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        ),
    ])
    func rfc4231Case2(algorithm: JWSAlgorithm, hex: String) throws {
        let tag = stride(from: 0, to: hex.count, by: 2).map { i -> UInt8 in
            let start = hex.index(hex.startIndex, offsetBy: i)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
        }
        // Made several times: each set-up reads its parameters anew.
        for _ in 0..<4 {
            let hmac = try OpenSSLHMAC(secret: Self.key, algorithm: algorithm)
            #expect(hmac.verify(signature: tag, message: Self.data))
            #expect(try Self.data.withUnsafeBytes { try hmac.sign(message: $0) } == tag)
        }
    }
}
