import Foundation
import JOSECrypto
import JWTValidation
import Policy
import Testing
import TokenMint

/// The committed vectors must equal what the catalogue generates now, cover every reason
/// code, and each get its expected decision from the core.
@Suite struct VectorFileTests {
    static let root: URL = {
        var u = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { u.deleteLastPathComponent() }
        return u
    }()
    static let path = root.appendingPathComponent("vectors/jwtbench-cases.json").path

    @Test func committedVectorsMatchTheCatalogue() throws {
        let committed = try VectorFile.load(Self.path)
        let regenerated = try VectorFile.generate(keySet: try TestKeySet.load(from: Self.root.appendingPathComponent("vectors/keys").path))
        #expect(committed.cases.count == regenerated.cases.count)
        #expect(committed.policies == regenerated.policies)
        #expect(committed.keysets == regenerated.keysets)
        #expect(committed.revocations == regenerated.revocations)
        // Every case regenerates byte for byte, ES* and PS* signatures included (the mint derives
        // their randomness from the seed), so nothing is masked.
        for (x, y) in zip(committed.cases, regenerated.cases) where x != y {
            Issue.record("vector \(x.id) drifted from the catalogue; regenerate with `jwtbench mint --vectors vectors/jwtbench-cases.json`")
            break
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: Self.path)) == regenerated.encoded(), "the file as `mint --vectors` writes it")
    }

    @Test func everyReasonCodeAppearsInSomeVector() throws {
        let file = try VectorFile.load(Self.path)
        let reasons = Set(file.cases.compactMap(\.expect.reason))
        for code in ReasonCode.allCases {
            #expect(reasons.contains(code.rawValue), "no vector expects \(code.rawValue)")
        }
        #expect(file.cases.contains { $0.expect.decision == "allow" })
    }

    @Test func everyCommittedCaseGetsItsDecision() throws {
        let file = try VectorFile.load(Self.path)
        var validators: [String: Validator] = [:]
        for (name, yaml) in file.policies {
            let policy = try Policy.parse(yaml)
            // A policy's denylist ships in the vectors (`revocations`), not as a file.
            let revocation = try file.revocations?[name].map { try CatalogRevocation.list(entries: $0) }
            #expect((policy.revocation != nil) == (revocation != nil), "\(name): denylist named and shipped together")
            validators[name] = Validator(
                policy: policy, keys: StaticKeyProvider(keys: file.keysets["catalogue"]!.keys, algorithms: policy.allowedAlgorithms),
                revocation: revocation)
            validators[name + "/unavailable"] = Validator(policy: policy, keys: CatalogValidators.DownKeys(), revocation: revocation)
        }
        var checked = 0
        for c in file.cases {
            let v = try #require(validators[c.keys == "unavailable" ? c.policy + "/unavailable" : c.policy])
            let reason: ReasonCode?
            let allowed: Bool
            if let token = c.token {
                let d = v.validate(token: token, now: c.now)
                (allowed, reason) = (d.isAllowed, d.reason)
            } else {
                let r = try #require(c.request)
                let request = HTTPRequest(
                    method: r.method, headers: r.headers.map { HTTPHeader($0[0], $0[1]) }, body: Array((r.body ?? "").utf8))
                let d = v.validate(request: request, now: c.now)
                (allowed, reason) = (d.isAllowed, d.reason)
            }
            #expect(
                allowed == (c.expect.decision == "allow") && reason?.rawValue == c.expect.reason,
                "\(c.id): got \(reason?.rawValue ?? "allow")")
            checked += 1
        }
        #expect(checked > 300)
    }
}
