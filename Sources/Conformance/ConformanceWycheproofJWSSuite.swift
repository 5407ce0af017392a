import Foundation
import JOSECrypto
import TokenMint

/// `wycheproof-jws`: every test of Wycheproof's `json_web_signature_test.json`.
///
/// Each test is a token decided under `ValidationRules.signatureOnly` (the payloads are no
/// claims sets) with the group's key trusted, `public` when the group has one, else `private`
/// (the `oct` groups), and the allowed algorithms `ConformanceSetup.algorithms(for:)`: the
/// key's `alg` when it is a JWS algorithm, else every algorithm of its key type. `valid` must be
/// allowed, `invalid` denied (any reason), `acceptable` either. Case ids: `wycheproof-jws/tc<tcId>`.
public enum ConformanceWycheproofJWSSuite {
    /// The file, relative to the vectors folder.
    public static let file = "wycheproof/testvectors_v1/json_web_signature_test.json"

    /// The cases of the file under the vectors folder `root`.
    public static func load(from root: URL) throws(ConformanceError) -> [ConformanceCase] {
        let url = root.appendingPathComponent(file)
        let parsed = try ConformanceWycheproof.decode(ConformanceWycheproof.JOSEFile<ConformanceWycheproof.JWSGroup>.self, url)
        var cases: [ConformanceCase] = []
        for (index, group) in parsed.testGroups.enumerated() {
            let key = group.public ?? group.private
            let setup = ConformanceSetup.signatureOnly(id: "wycheproof-jws/group\(index)", keys: [key])
            let algorithms = setup.rules.allowedAlgorithms.map(\.rawValue)
            for test in group.tests {
                guard let expectation = ConformanceExpectation.wycheproof(test.result) else {
                    throw .malformedVectors(path: url.path, "tcId \(test.tcId): unknown result \"\(test.result)\"")
                }
                cases.append(
                    ConformanceCase(
                        suite: .wycheproofJWS, localID: "tc\(test.tcId)",
                        description:
                            "group \(group.comment ?? "\(index)") (\(key.kty) key\(key.alg.map { ", alg \($0)" } ?? "")): \(test.comment)"
                            + (test.flags.isEmpty ? "" : " \(test.flags)"),
                        tags: [test.result, key.kty] + algorithms + test.flags,
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
