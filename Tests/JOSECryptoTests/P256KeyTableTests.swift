import Foundation
import Testing

@testable import JOSECrypto

/// ES256 on OpenSSL: a key's table of multiples is made in the background after its nth
/// verification, and the answers before and after it are the same.
@Suite("ES256 key tables (P256TableVerifier)")
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
        let verifier = try P256TableVerifier(uncompressedPoint: try Self.point(key.publicKey), tables: .afterUses(3))
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
        // The build runs on a background queue; it takes about 2 ms here (more in debug builds).
        let deadline = Date().addingTimeInterval(30)
        while !verifier.hasKeyTable && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(verifier.hasKeyTable, "the table was not published within 30 s")
        check("key table")
    }

    @Test("never: no table however often the key is used; eager: the table from the start")
    func neverAndEager() throws {
        let key = try KeyGenerator.generate(for: .es256, kid: "t")
        let signature = try OpenSSLBackend().makeSigner(key: key, algorithm: .es256).sign(Array("m".utf8))
        let never = try P256TableVerifier(uncompressedPoint: try Self.point(key.publicKey), tables: .never)
        for _ in 0..<50 { #expect(never.verify(signature: signature, message: Array("m".utf8))) }
        Thread.sleep(forTimeInterval: 0.2)
        #expect(!never.hasKeyTable)
        let eager = try P256TableVerifier(uncompressedPoint: try Self.point(key.publicKey), tables: .eager)
        #expect(eager.hasKeyTable)
        #expect(eager.verify(signature: signature, message: Array("m".utf8)))
        #expect(!eager.verify(signature: signature, message: Array("n".utf8)))
    }

    @Test("a point that is not 65 uncompressed bytes on P-256 is refused")
    func badPoints() throws {
        let key = try KeyGenerator.generate(for: .es256, kid: "t")
        var point = try Self.point(key.publicKey)
        #expect(throws: (any Error).self) { try P256TableVerifier(uncompressedPoint: Array(point.dropLast())) }
        point[64] ^= 0x01  // y changed: off the curve
        #expect(throws: (any Error).self) { try P256TableVerifier(uncompressedPoint: point) }
    }

    // MARK: the tables' arithmetic against OpenSSL's

    /// The group order n, big-endian.
    static let order: [UInt8] = hex("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551")
    static let prime: [UInt8] = hex("FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF")
    static let gx: [UInt8] = hex("6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296")
    static let gy: [UInt8] = hex("4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5")

    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    /// a + b (b small, may be negative) on a 32-byte big-endian number, modulo 2^256.
    static func adding(_ a: [UInt8], _ b: Int) -> [UInt8] {
        var out = a
        var carry = b
        for i in stride(from: 31, through: 0, by: -1) {
            let v = Int(out[i]) + carry
            out[i] = UInt8(truncatingIfNeeded: v)
            carry = v >> 8  // arithmetic: -1 on a borrow
        }
        return out
    }

    /// p - a for a below p (the negated y), big-endian.
    static func negated(_ a: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var borrow = 0
        for i in stride(from: 31, through: 0, by: -1) {
            var v = Int(prime[i]) - Int(a[i]) - borrow
            borrow = v < 0 ? 1 : 0
            if v < 0 { v += 256 }
            out[i] = UInt8(v)
        }
        return out
    }

    /// The 256-bit number whose 7-bit windows (from the lowest) are `window(i)`, each below 128.
    static func fromWindows(_ window: (Int) -> Int) -> [UInt8] {
        var limbs = [UInt64](repeating: 0, count: 5)
        for i in 0..<37 {
            let bit = 7 * i
            let v = UInt64(window(i))
            limbs[bit / 64] |= v << UInt64(bit % 64)
            if bit % 64 > 57 { limbs[bit / 64 + 1] |= v >> UInt64(64 - bit % 64) }
        }
        var out = [UInt8](repeating: 0, count: 32)
        for i in 0..<32 { out[31 - i] = UInt8(truncatingIfNeeded: limbs[i / 8] >> UInt64(8 * (i % 8))) }
        return out
    }

    /// Scalars that reach every branch of the comb: zero windows, windows at the signed
    /// digits' edges (64, 65, 127 and the carries they make), n and its neighbours (products at
    /// and beside infinity), 2^256 - 1, and random ones.
    static func edgeScalars() -> [[UInt8]] {
        let zero = [UInt8](repeating: 0, count: 32)
        var scalars: [[UInt8]] = [0, 1, 2, 3, 63, 64, 65, 66, 127, 128, 129, 8191, 8192, 8193].map { adding(zero, $0) }
        scalars += [
            order, adding(order, -1), adding(order, -2), adding(order, 1), adding(order, 64),
            [UInt8](repeating: 0xFF, count: 32), [0x80] + [UInt8](repeating: 0, count: 31),
        ]
        scalars += [64, 65, 127, 1, 63].map { w in fromWindows { _ in w } }
        scalars.append(fromWindows { $0 % 2 == 0 ? 64 : 65 })
        scalars.append(fromWindows { $0 % 3 == 0 ? 127 : 0 })
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<64 { scalars.append((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }) }
        return scalars
    }

    @Test("k*P by the tables equals OpenSSL's for G, a key, and -G, at every edge scalar")
    func productsMatchOpenSSL() throws {
        let key = try KeyGenerator.generate(for: .es256, kid: "k").publicKey
        let kx = try #require(Base64URL.decode(key.x ?? ""))
        let ky = try #require(Base64URL.decode(key.y ?? ""))
        let points: [(String, [UInt8]?, [UInt8]?)] = [
            ("G (built-in table)", nil, nil), ("G (as a key)", Self.gx, Self.gy), ("a key", kx, ky),
            ("-G", Self.gx, Self.negated(Self.gy)),
        ]
        for (name, x, y) in points {
            for k in Self.edgeScalars() {
                let ours = try P256TableVerifier.tableProduct(x: x, y: y, scalar: k)
                let theirs = try P256TableVerifier.openSSLProduct(x: x, y: y, scalar: k)
                #expect(ours == theirs, "\(name) times \(k.map { String(format: "%02x", $0) }.joined())")
            }
        }
    }

    @Test("a table is refused for a point off the curve or with a coordinate not below p")
    func tablesRefuseBadPoints() throws {
        var y = Self.gy
        y[31] ^= 1
        #expect(throws: (any Error).self) { try P256TableVerifier.tableProduct(x: Self.gx, y: y, scalar: Self.order) }
        // x + p names the same residue as x but is not a canonical coordinate.
        let big = [UInt8](repeating: 0xFF, count: 32)
        #expect(throws: (any Error).self) { try P256TableVerifier.tableProduct(x: big, y: Self.gy, scalar: Self.order) }
        #expect(throws: (any Error).self) { try P256TableVerifier.tableProduct(x: Self.gx, y: Self.prime, scalar: Self.order) }
    }

    @Test("with and without the key's table, every verification answers the same (random, changed and crafted signatures)")
    func pathsAgree() throws {
        let key = try KeyGenerator.generate(for: .es256, kid: "t")
        let signer = try OpenSSLBackend().makeSigner(key: key, algorithm: .es256)
        let point = try Self.point(key.publicKey)
        let tabled = try P256TableVerifier(uncompressedPoint: point, tables: .eager)
        let general = try P256TableVerifier(uncompressedPoint: point, tables: .never)
        var generator = SystemRandomNumberGenerator()
        var signatures: [([UInt8], [UInt8])] = []
        for i in 0..<40 {
            let message = Array("message \(i)".utf8)
            let signature = try signer.sign(message)
            signatures.append((signature, message))
            var changed = signature
            changed[Int.random(in: 0..<64, using: &generator)] ^= UInt8(1 << Int.random(in: 0..<8, using: &generator))
            signatures.append((changed, message))
            // r or s at 0, n - 1, n; and random r, s.
            for edge in [[UInt8](repeating: 0, count: 32), Self.adding(Self.order, -1), Self.order] {
                signatures.append((edge + signature.suffix(32), message))
                signatures.append((Array(signature.prefix(32)) + edge, message))
            }
            signatures.append(((0..<64).map { _ in UInt8.random(in: 0...255, using: &generator) }, message))
        }
        var valid = 0
        for (signature, message) in signatures {
            let a = tabled.verify(signature: signature, message: message)
            let b = general.verify(signature: signature, message: message)
            #expect(a == b, "the paths disagree on \(signature)")
            if a { valid += 1 }
        }
        #expect(valid >= 40, "every unchanged signature verifies (and the changed ones almost never)")
        #expect(valid <= 41)
    }

    @Test("s^-1 mod n by divsteps equals Fermat's s^(n-2) at the edges and at random; 0 and n have none")
    func orderInverseAgrees() throws {
        let zero = [UInt8](repeating: 0, count: 32)
        var values: [[UInt8]] = [1, 2, 3, 255, 256].map { Self.adding(zero, $0) }
        values += (1...6).map { Self.adding(Self.order, -$0) }
        for bit in 0..<256 {
            var power = zero
            power[31 - bit / 8] = UInt8(1 << (bit % 8))
            if Self.lessThanOrder(power) { values.append(power) }
            values.append(Self.adding(power, -1))  // runs of ones; 2^0 - 1 = 0 is dropped below
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 { values.append((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }) }
        var checked = 0
        for x in values where x != zero && Self.lessThanOrder(x) {
            let divsteps = P256TableVerifier.orderInverse(x, fermat: false)
            #expect(divsteps != nil)
            #expect(divsteps == P256TableVerifier.orderInverse(x, fermat: true), "x = \(x)")
            checked += 1
        }
        #expect(checked > 2000)
        #expect(P256TableVerifier.orderInverse(zero, fermat: false) == nil)
        #expect(P256TableVerifier.orderInverse(Self.order, fermat: false) == nil)
        #expect(P256TableVerifier.orderInverse([UInt8](repeating: 0xFF, count: 32), fermat: false) == nil)
    }

    static func lessThanOrder(_ x: [UInt8]) -> Bool { x.lexicographicallyPrecedes(order) }
}
