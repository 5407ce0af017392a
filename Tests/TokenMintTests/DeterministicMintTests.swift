import Foundation
import JOSECrypto
import JWTValidation
import Testing
import TokenMint

/// `jwtbench mint` with the same seed and time writes the same bytes, ES* and PS* included, so
/// a minted corpus can be pinned in CI and diffed.
@Suite struct DeterministicMintTests {
    static let keySet = try! TestKeySet.loadDefault()
    static let now: Int64 = 1_700_000_000

    /// `--algs all --variants all` (the default `--sizes typical`) at `seed`.
    static func plan(seed: UInt64) -> MintPlan {
        MintPlan(algorithms: JWSAlgorithm.allCases, variants: VariantCatalog.all, sizes: [.typical], seed: seed, now: now)
    }

    /// Every file of a `mint --out` folder, by path relative to `dir`.
    static func files(in dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let root = dir.standardizedFileURL.path + "/"
        let walker = try #require(FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey]))
        for case let url as URL in walker where try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true {
            out[String(url.standardizedFileURL.path.dropFirst(root.count))] = try Data(contentsOf: url)
        }
        return out
    }

    static func write(_ cases: [MintedCase]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("deterministic-mint-\(UUID().uuidString)")
        try MintOutput.write(cases, keySet: keySet, now: now, to: dir.path)
        return dir
    }

    @Test func sameSeedAndTimeWriteByteIdenticalOutput() throws {
        let plan = Self.plan(seed: 1)
        // Two minters (two signer caches) and two thread counts: nothing may depend on either.
        let a = try Minter(keySet: Self.keySet).mint(plan, threads: 2)
        let b = try Minter(keySet: Self.keySet).mint(plan, threads: 1)
        #expect(a.count == plan.combinations.count)
        let randomised: Set<JWSAlgorithm> = [.es256, .es384, .es512, .ps256, .ps384, .ps512]
        #expect(Set(a.map(\.algorithm)).isSuperset(of: randomised))

        // Tokens and expectations here; request-shaped cases are compared in requests.jsonl below.
        let differing = zip(a, b).filter { $0.input.token != $1.input.token || $0.id != $1.id || $0.expectation != $1.expectation }
        #expect(differing.isEmpty, "\(differing.count) cases differ, first: \(differing.first.map { $0.0.id } ?? "")")

        let dirA = try Self.write(a)
        let dirB = try Self.write(b)
        defer {
            try? FileManager.default.removeItem(at: dirA)
            try? FileManager.default.removeItem(at: dirB)
        }
        let filesA = try Self.files(in: dirA)
        let filesB = try Self.files(in: dirB)
        #expect(filesA.keys.sorted() == filesB.keys.sorted())
        #expect(filesA.keys.contains { $0.hasSuffix(MintOutput.tokensFile) })
        #expect(filesA.keys.contains { $0.hasSuffix(MintOutput.expectationsFile) })
        for (path, bytes) in filesA.sorted(by: { $0.key < $1.key }) {
            #expect(bytes == filesB[path], "\(path) differs between two mints with the same seed and time")
        }
    }

    static let randomised: [JWSAlgorithm] = [.es256, .es384, .es512, .ps256, .ps384, .ps512]

    /// The good ES* and PS* tokens of a mint with `seed`, in every size.
    static func goodTokens(seed: UInt64) throws -> [MintedCase] {
        let plan = MintPlan(
            algorithms: randomised, variants: try MintPlan.variants("good-plain"), sizes: SizeClass.allCases, seed: seed, now: now)
        return try Minter(keySet: keySet).mint(plan, threads: 2)
    }

    static func signatureSegment(_ token: String) -> Substring { token[token.index(after: token.lastIndex(of: ".")!)...] }

    @Test func differentSeedGivesDifferentECDSAAndPSSSignatures() throws {
        let one = try Self.goodTokens(seed: 1)
        let two = try Self.goodTokens(seed: 2)
        #expect(one.count == Self.randomised.count * SizeClass.allCases.count)
        for (a, b) in zip(one, two) {
            let x = try #require(a.input.token)
            let y = try #require(b.input.token)
            #expect(a.id == b.id)
            #expect(Self.signatureSegment(x) != Self.signatureSegment(y), "\(a.id)")
        }

        // The seed itself, not only the claims it picks, changes the signature of one message.
        let signers = Minter(keySet: Self.keySet).signers
        let message = Array("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJzYW1lIn0".utf8)
        for algorithm in Self.randomised {
            let name = TestKeySet.keyName(for: algorithm)
            let seeded1 = try signers.signer(key: name, algorithm: algorithm, seed: 1).sign(message)
            let again1 = try Minter(keySet: Self.keySet).signers.signer(key: name, algorithm: algorithm, seed: 1).sign(message)
            let seeded2 = try signers.signer(key: name, algorithm: algorithm, seed: 2).sign(message)
            let otherMessage = try signers.signer(key: name, algorithm: algorithm, seed: 1).sign(message + [0x41])
            #expect(seeded1 == again1, "\(algorithm.rawValue): same seed and message")
            #expect(seeded1 != seeded2, "\(algorithm.rawValue): another seed")
            #expect(seeded1 != otherMessage, "\(algorithm.rawValue): another message")
            if case .ecdsa(let curve) = algorithm.family {
                // Different r: a different nonce, for another seed or another message.
                let n = curve.coordinateByteCount
                #expect(seeded1.prefix(n) != seeded2.prefix(n) && seeded1.prefix(n) != otherMessage.prefix(n), "\(algorithm.rawValue)")
            }
        }
    }

    @Test func mintedECDSAAndPSSSignaturesVerifyOnEveryBackend() throws {
        let backends: [(String, any CryptoBackend)] = [
            ("openssl", OpenSSLBackend()), ("openssl EVP", OpenSSLBackend(pattern: .perThreadEVP, keyTables: .never)),
            ("boringssl", BoringSSLBackend()),
        ]
        for seed: UInt64 in [1, 42] {
            for c in try Self.goodTokens(seed: seed) {
                let token = try #require(c.input.token)
                let dot = token.lastIndex(of: ".")!
                let message = Array(token[..<dot].utf8)
                let signature = try #require(Base64URL.decode(String(token[token.index(after: dot)...])))
                let key = try Self.keySet.key(TestKeySet.keyName(for: c.algorithm)).publicKey
                for (name, backend) in backends {
                    let verifier = try backend.makeVerifier(key: key, algorithm: c.algorithm)
                    #expect(verifier.verify(signature: signature, message: message), "\(c.id) (seed \(seed)) on \(name)")
                }
            }
        }
    }
}
