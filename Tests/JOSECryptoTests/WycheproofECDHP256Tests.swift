import Foundation
import Testing

@testable import JOSECrypto

/// CP256's point arithmetic against Wycheproof's P-256 ECDH vectors (WebCrypto encoding): the
/// shared secret is x(d * Q), which the key's table must produce for every valid case. 204 of
/// the 330 are Wycheproof's "EdgeCaseDoubling" cases, built to reach the special cases of point
/// addition, and 54 "EdgeCaseSharedSecret"; the 18 invalid P-256 points must be refused. ES256
/// never multiplies by a private scalar, but these are the strongest public tests of the same
/// additions, doublings and tables that verification uses.
@Suite("Wycheproof ECDH P-256 (CP256 products)", .enabled(if: Vectors.available, Vectors.skipNote))
struct WycheproofECDHP256Tests {
    struct File: Decodable {
        let testGroups: [Group]
    }

    struct Group: Decodable {
        let curve: String
        let tests: [Case]
    }

    struct Key: Decodable {
        let crv: String?
        let x: String?
        let y: String?
        let d: String?
    }

    struct Case: Decodable {
        let tcId: Int
        let comment: String
        let flags: [String]
        let `public`: Key
        let `private`: Key
        let shared: String
        let result: String
    }

    static func decoded(_ text: String?, _ what: String, _ id: Int) throws -> [UInt8] {
        guard let text, let bytes = Base64URL.decode(text) else { throw TestDataError("case \(id): no \(what)") }
        return bytes
    }

    @Test("x(d * Q) from Q's table is the shared secret of every valid case; invalid P-256 points are refused")
    func sharedSecrets() throws {
        let file = try Vectors.decode(File.self, "wycheproof/testvectors_v1/ecdh_secp256r1_webcrypto_test.json")
        var valid = 0
        var refused = 0
        var otherCurves = 0
        for group in file.testGroups {
            for test in group.tests {
                guard test.public.crv == "P-256" else {
                    otherCurves += 1  // secp256k1, P-384, P-521 keys: not a P-256 point to multiply
                    continue
                }
                let x = try Self.decoded(test.public.x, "public x", test.tcId)
                let y = try Self.decoded(test.public.y, "public y", test.tcId)
                let d = try #require(leftPadded(stripLeadingZeros(try Self.decoded(test.private.d, "private d", test.tcId)), to: 32))
                if test.result == "valid" {
                    let product = try P256TableVerifier.tableProduct(x: x, y: y, scalar: d)
                    #expect(
                        product.map { Array($0.prefix(32)) } == (try hexBytes(test.shared)),
                        "case \(test.tcId) (\(test.comment), \(test.flags))")
                    valid += 1
                } else {
                    #expect(throws: (any Error).self, "case \(test.tcId) (\(test.comment)): an invalid point got a table") {
                        try P256TableVerifier.tableProduct(x: x, y: y, scalar: d)
                    }
                    #expect(throws: (any Error).self, "case \(test.tcId) (\(test.comment)): an invalid point was accepted as a key") {
                        try P256TableVerifier(uncompressedPoint: [0x04] + x + y, tables: .eager)
                    }
                    refused += 1
                }
            }
        }
        print(
            "wycheproof ecdh_secp256r1_webcrypto_test.json: \(valid) shared secrets from key tables, "
                + "\(refused) invalid P-256 points refused, \(otherCurves) keys on other curves skipped")
        #expect(valid == 330)
        #expect(refused == 18)
    }
}
