import Foundation
import JOSECrypto
import TokenMint

/// `wycheproof-jwk`: every test of Wycheproof's `json_web_key_test.json`.
///
/// Each test is a token decided under `ValidationRules.signatureOnly` with the group's key set
/// trusted (`public` when present, else `private`) through the production key snapshot (which
/// refuses unusable keys and drops keys sharing a kid), and the allowed algorithms the union of
/// `ConformanceSetup.algorithms(for:)` over the set's keys. `valid` must be allowed, `invalid`
/// denied (any reason). Case ids: `wycheproof-jwk/tc<tcId>`.
public enum ConformanceWycheproofJWKSuite {
    /// The file, relative to the vectors folder.
    public static let file = "wycheproof/testvectors_v1/json_web_key_test.json"

    /// The cases of the file under the vectors folder `root`.
    public static func load(from root: URL) throws(ConformanceError) -> [ConformanceCase] {
        let url = root.appendingPathComponent(file)
        let parsed = try ConformanceWycheproof.decode(ConformanceWycheproof.JOSEFile<ConformanceWycheproof.JWKGroup>.self, url)
        var cases: [ConformanceCase] = []
        for (index, group) in parsed.testGroups.enumerated() {
            let keys = (group.public ?? group.private).keys
            let setup = ConformanceSetup.signatureOnly(id: "wycheproof-jwk/group\(index)", keys: keys)
            for test in group.tests {
                guard let expectation = ConformanceExpectation.wycheproof(test.result) else {
                    throw .malformedVectors(path: url.path, "tcId \(test.tcId): unknown result \"\(test.result)\"")
                }
                cases.append(
                    ConformanceCase(
                        suite: .wycheproofJWK, localID: "tc\(test.tcId)",
                        description:
                            "group \(group.comment ?? "\(index)") (\(keys.count) key\(keys.count == 1 ? "" : "s")): \(test.comment)"
                            + (test.flags.isEmpty ? "" : " \(test.flags)"),
                        tags: [test.result] + setup.rules.allowedAlgorithms.map(\.rawValue) + test.flags,
                        expectation: expectation,
                        body: .run(.token(test.jws), setup, now: VectorFile.defaultNow)))
            }
        }
        guard cases.count == parsed.numberOfTests else {
            throw .malformedVectors(path: url.path, "\(cases.count) tests read, numberOfTests says \(parsed.numberOfTests)")
        }
        return cases
    }
}
