import Foundation
import Testing
import TokenMint

/// Every policy that `requests.jsonl` names has its folder and `policy.yaml` in the `mint --out`
/// folder, also when no token case uses that policy (`body-token`).
@Suite struct MintOutputRequestPolicyTests {
    @Test func everyPolicyNamedInRequestsIsWritten() throws {
        let keySet = try TestKeySet.loadDefault()
        let plan = MintPlan(
            algorithms: [.rs256, .es256], variants: try MintPlan.variants("all"), sizes: [.typical], seed: 1,
            now: 1_700_000_000)
        let cases = try Minter(keySet: keySet).mint(plan, threads: 1)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mint-requests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try MintOutput.write(cases, keySet: keySet, now: 1_700_000_000, to: dir.path)

        let text = try String(contentsOf: dir.appendingPathComponent(MintOutput.requestsFile), encoding: .utf8)
        var named: Set<String> = []
        for line in text.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            named.insert(try #require(object["policy"] as? String, "\(line)"))
        }
        #expect(named.contains("body-token"))
        for policy in named.sorted() {
            let path = dir.appendingPathComponent(policy).appendingPathComponent(MintOutput.policyFile).path
            let yaml = FileManager.default.contents(atPath: path)
            #expect(yaml != nil, "requests.jsonl names policy \(policy), but \(policy)/\(MintOutput.policyFile) is missing")
            #expect((yaml?.count ?? 0) > 0, "\(policy)/\(MintOutput.policyFile) is empty")
        }
    }
}
