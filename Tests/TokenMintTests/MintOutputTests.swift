import Foundation
import JOSECrypto
import JWTValidation
import Testing
import TokenMint

/// The `mint --out` folder: what `MintOutput` writes, `MintOutputReader` reads back.
@Suite struct MintOutputTests {
    static let now: Int64 = 1_700_000_000

    @Test func writtenTokensAndExpectationsReadBackAligned() throws {
        let keySet = try TestKeySet.loadDefault()
        let plan = MintPlan(
            algorithms: [.hs256, .rs256], variants: try MintPlan.variants("good-plain,expired,kid-unknown,request-good"),
            sizes: [.typical], seed: 3, now: Self.now)
        let cases = try Minter(keySet: keySet).mint(plan, threads: 1)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mint-output-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try MintOutput.write(cases, keySet: keySet, now: Self.now, to: dir.path)

        let folder = dir.appendingPathComponent("standard")
        let tokensPath = folder.appendingPathComponent(MintOutput.tokensFile).path
        let tokens = try MintOutputReader.tokens(atPath: tokensPath)
        let lines = try MintOutputReader.expectations(
            atPath: folder.appendingPathComponent(MintOutput.expectationsFile).path, tokenCount: tokens.count, tokensPath: tokensPath)
        let tokenCases = cases.filter { $0.input.token != nil }
        #expect(tokens == tokenCases.compactMap(\.input.token))
        #expect(lines.map(\.id) == tokenCases.map(\.id))
        #expect(lines.map(\.algorithm) == tokenCases.map(\.algorithm.rawValue))
        #expect(lines.allSatisfy { $0.now == Self.now })
        for (line, c) in zip(lines, tokenCases) {
            switch c.expectation {
            case .deny(let reason): #expect(line.reason == reason, "\(c.id)")
            case .allow, .acceptable: #expect(line.reason == nil, "\(c.id)")
            }
        }
        for file in [MintOutput.jwksFile, MintOutput.requestsFile, "standard/" + MintOutput.policyFile] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), "\(file)")
        }
    }

    @Test func readerNamesWhatIsWrong() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mint-reader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let tokens = dir.appendingPathComponent("tokens.txt").path
        let expected = dir.appendingPathComponent("expected.jsonl").path
        #expect(throws: MintOutputError.self) { try MintOutputReader.tokens(atPath: tokens) }
        try Data("a.b.c\n\nd.e.f\n".utf8).write(to: URL(fileURLWithPath: tokens))
        #expect(try MintOutputReader.tokens(atPath: tokens) == ["a.b.c", "d.e.f"])
        try Data("{\"expect\":{\"decision\":\"deny\",\"reason\":\"expired\"}}\n".utf8).write(to: URL(fileURLWithPath: expected))
        #expect(throws: MintOutputError("\(expected) has 1 lines for the 2 tokens of \(tokens)")) {
            try MintOutputReader.expectations(atPath: expected, tokenCount: 2, tokensPath: tokens)
        }
        try Data("{\"expect\":{\"decision\":\"deny\",\"reason\":\"nope\"}}\n{\"expect\":{}}\n".utf8)
            .write(to: URL(fileURLWithPath: expected))
        #expect(throws: MintOutputError("\(expected) line 1: a deny expectation needs a known reason code")) {
            try MintOutputReader.expectations(atPath: expected, tokenCount: 2, tokensPath: tokens)
        }
    }
}
