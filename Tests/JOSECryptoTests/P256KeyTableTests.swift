import Foundation
@testable import JOSECrypto
import Testing

/// ES256 on OpenSSL: a key's table of multiples is made in the background after its nth
/// verification, and the answers before and after it are the same.
@Suite("ES256 key tables (OpenSSLP256Verifier)")
struct P256KeyTableTests {
    static func point(_ key: JWK) throws -> [UInt8] {
        [0x04] + (try #require(Base64URL.decode(key.x ?? ""))) + (try #require(Base64URL.decode(key.y ?? "")))
    }

    @Test("the table arrives after the nth use; good, changed and foreign signatures keep their answers")
    func tableArrivesAndAgrees() throws {
        let key = try KeyGenerator.generate(for: .es256, kid: "t")
        let other = try KeyGenerator.generate(for: .es256, kid: "o")
        let signer = try OpenSSLBackend().makeSigner(key: key, algorithm: .es256)
        let foreign = try OpenSSLBackend().makeSigner(key: other, algorithm: .es256)
        let messages: [[UInt8]] = (0..<16).map { i in Array("message \(i)".utf8) }
        let signatures = try messages.map { try signer.sign($0) }
        let foreignSignatures = try messages.map { try foreign.sign($0) }
        let verifier = try OpenSSLP256Verifier(uncompressedPoint: try Self.point(key.publicKey), tables: .afterUses(3))
        func check(_ phase: String) {
            for (i, message) in messages.enumerated() {
                #expect(verifier.verify(signature: signatures[i], message: message), "\(phase): good signature \(i)")
                var changed = signatures[i]
                changed[i] ^= 0x01
                #expect(!verifier.verify(signature: changed, message: message), "\(phase): changed signature \(i)")
                #expect(!verifier.verify(signature: foreignSignatures[i], message: message), "\(phase): other key's signature \(i)")
                #expect(!verifier.verify(signature: signatures[i], message: message + [0]), "\(phase): changed message \(i)")
            }
        }
        #expect(!verifier.hasKeyTable)
        check("general path")
        // The build runs on a background queue; it takes 40-50 ms here.
        let deadline = Date().addingTimeInterval(30)
        while !verifier.hasKeyTable && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(verifier.hasKeyTable, "the table was not published within 30 s")
        check("key table")
    }

    @Test("never: no table however often the key is used; eager: the table from the start")
    func neverAndEager() throws {
        let key = try KeyGenerator.generate(for: .es256, kid: "t")
        let signature = try OpenSSLBackend().makeSigner(key: key, algorithm: .es256).sign(Array("m".utf8))
        let never = try OpenSSLP256Verifier(uncompressedPoint: try Self.point(key.publicKey), tables: .never)
        for _ in 0..<50 { #expect(never.verify(signature: signature, message: Array("m".utf8))) }
        Thread.sleep(forTimeInterval: 0.2)
        #expect(!never.hasKeyTable)
        let eager = try OpenSSLP256Verifier(uncompressedPoint: try Self.point(key.publicKey), tables: .eager)
        #expect(eager.hasKeyTable)
        #expect(eager.verify(signature: signature, message: Array("m".utf8)))
        #expect(!eager.verify(signature: signature, message: Array("n".utf8)))
    }

    @Test("a point that is not 65 uncompressed bytes on P-256 is refused")
    func badPoints() throws {
        let key = try KeyGenerator.generate(for: .es256, kid: "t")
        var point = try Self.point(key.publicKey)
        #expect(throws: (any Error).self) { try OpenSSLP256Verifier(uncompressedPoint: Array(point.dropLast())) }
        point[64] ^= 0x01  // y changed: off the curve
        #expect(throws: (any Error).self) { try OpenSSLP256Verifier(uncompressedPoint: point) }
    }
}
