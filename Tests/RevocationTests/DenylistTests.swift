import Foundation
import Revocation
import Testing

/// Lookups in the sorted, indexed list, and the two kinds kept apart.
@Suite struct DenylistTests {
    @Test func everyListedFingerprintIsFoundAndOthersAreNot() {
        var rng = SystemRandomNumberGenerator()
        let listed = (0..<20_000).map { _ in RevocationFingerprint(high: rng.next(), low: rng.next()) }
        let list = Denylist(sorting: listed)
        #expect(list.count == listed.count)
        #expect(list.load > 0.7 && list.load <= 0.75)
        for f in listed { #expect(list.contains(f)) }
        var falsePositives = 0
        for _ in 0..<20_000 where list.contains(RevocationFingerprint(high: rng.next(), low: rng.next())) { falsePositives += 1 }
        #expect(falsePositives == 0)
        #expect(list.fingerprints == listed.sorted())
    }

    @Test func duplicatesAreDroppedAndTheRestStaysSorted() {
        var rng = SystemRandomNumberGenerator()
        let distinct = (0..<5000).map { _ in RevocationFingerprint(high: rng.next(), low: rng.next()) }
        // Every fingerprint three times, one of them with a neighbour differing only in `low`.
        var input = distinct + distinct + distinct.map { RevocationFingerprint(high: $0.high, low: $0.low ^ 0x10) } + distinct
        input.shuffle()
        let list = Denylist(sorting: input)
        let expected = Set(input).sorted()
        #expect(list.count == expected.count)
        #expect(list.fingerprints == expected)
        for f in expected { #expect(list.contains(f)) }
    }

    @Test func smallListsAndEdgeValues() {
        let edges = [
            RevocationFingerprint(high: 0, low: 0), RevocationFingerprint(high: .max, low: .max),
            RevocationFingerprint(high: 1 << 63, low: 1),
        ]
        for n in 0...edges.count {
            let list = Denylist(sorting: Array(edges.prefix(n)))
            for (i, e) in edges.enumerated() { #expect(list.contains(e) == (i < n)) }
        }
    }

    @Test func aJTIAndATokenNeverShareAFingerprint() throws {
        // The same bytes as a jti and as a token, and a token's hash listed as a jti.
        let token = RevocationFixture.token(jti: nil)
        let jti = RevocationFingerprint.jti(token)
        let byToken = RevocationFingerprint.token(token)
        #expect(jti != byToken)
        #expect(!jti.isToken && byToken.isToken)
        let hashLine = RevocationFixture.sha256Line(token)
        let asJTI = try DenylistParser.denylist(String(hashLine.dropFirst("sha256:".count)))
        #expect(asJTI.tokenCount == 0)
        let bytes = Array(token.utf8)
        bytes.withUnsafeBytes { raw in
            #expect(!asJTI.contains(jti: nil, token: raw))
            #expect(!asJTI.contains(jti: raw, token: raw))
        }
        let asHash = try DenylistParser.denylist(hashLine)
        bytes.withUnsafeBytes { raw in
            #expect(asHash.contains(jti: nil, token: raw))
            // Listed by hash, a token is denied whatever jti it carries.
            #expect(asHash.contains(jti: UnsafeRawBufferPointer(rebasing: raw[0..<5]), token: raw))
        }
        let byJTI = try DenylistParser.denylist("jti-7")
        Array("jti-7".utf8).withUnsafeBytes { raw in
            #expect(byJTI.contains(jti: raw, token: UnsafeRawBufferPointer(start: nil, count: 0)))
            #expect(!byJTI.contains(jti: nil, token: raw))
        }
    }

    @Test func clusteredFingerprintsOverflowAndStillResolve() {
        // Homes come from `high` alone: equal or adjacent `high` words pile into one run, and
        // the largest ones overflow past the home slots into the table's tail.
        var listed: [RevocationFingerprint] = []
        for low in 0..<300 { listed.append(RevocationFingerprint(high: 0, low: UInt64(low) * 2)) }
        for low in 0..<300 { listed.append(RevocationFingerprint(high: 1 << 40, low: UInt64(low) * 2)) }
        for i in 0..<300 { listed.append(RevocationFingerprint(high: .max - UInt64(i), low: 7)) }
        listed.append(.emptySlot)
        let list = Denylist(sorting: listed.shuffled())
        #expect(list.count == listed.count)
        #expect(list.fingerprints == listed.sorted())
        for f in listed { #expect(list.contains(f)) }
        // Absent neighbours inside the runs and around them.
        for low in 0..<300 {
            #expect(!list.contains(RevocationFingerprint(high: 0, low: UInt64(low) * 2 + 1)))
            #expect(!list.contains(RevocationFingerprint(high: 1 << 40, low: UInt64(low) * 2 + 1)))
            #expect(!list.contains(RevocationFingerprint(high: .max - UInt64(low), low: 8)))
        }
        #expect(!list.contains(RevocationFingerprint(high: 1, low: 0)))
        #expect(!list.contains(RevocationFingerprint(high: .max, low: .max - 1)))
        #expect(!Denylist(sorting: Array(listed.dropLast())).contains(.emptySlot))
    }

    @Test func storageStaysUnderTwentyFourBytesAnEntry() {
        var rng = SystemRandomNumberGenerator()
        // Lists large enough for storage to matter: a tiny one also pays its final empty slot
        // and any overflow, a few slots that can be more than 24 B an entry at 8 entries.
        for n in [1000, 10_000, 100_000, 300_000] {
            let list = Denylist(sorting: (0..<n).map { _ in RevocationFingerprint(high: rng.next(), low: rng.next()) })
            #expect(list.bytesPerEntry <= 24, "\(n) entries: \(list.bytesPerEntry) B each")
            #expect(list.bytesPerEntry >= 16)
        }
    }
}
