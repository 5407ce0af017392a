import Foundation
import JOSECrypto
import JWTValidation
import TokenMint

/// `wycheproof-jwe`: Wycheproof `json_web_encryption_test.json`. Each test's `jwe` is
/// decrypted with the validator's JWE path under its group's private key, every JWE algorithm
/// allowed (`ConformanceInput.decryption`): `valid` must decrypt to `pt`, `invalid` must be
/// denied. Refused by design, and so on the expected-failure list where Wycheproof says valid:
/// RSA1_5 (a padding oracle) and compressed plaintexts (`zip`). JSON serializations are handed
/// over as their JSON text, which is no compact token. Case ids: `wycheproof-jwe/tc<tcId>`.
public enum ConformanceWycheproofJWESuite {
    static let file = "wycheproof/testvectors_v1/json_web_encryption_test.json"

    /// The cases of the file under the vectors folder `root`.
    public static func load(from root: URL) throws(ConformanceError) -> [ConformanceCase] {
        let url = root.appendingPathComponent(file)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw .missingVectors("vector file \(url.path) is missing") }
        guard let document = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let groups = document["testGroups"] as? [[String: Any]], let count = document["numberOfTests"] as? Int
        else { throw .malformedVectors(path: url.path, "not a Wycheproof JOSE file") }
        var cases: [ConformanceCase] = []
        for (index, group) in groups.enumerated() {
            guard let privateKey = group["private"], let keyData = try? JSONSerialization.data(withJSONObject: privateKey),
                let key = try? JSONDecoder().decode(JWK.self, from: keyData)
            else { throw .malformedVectors(path: url.path, "group \(index): no private JWK") }
            let comment = group["comment"] as? String ?? "\(index)"
            let setup = ConformanceSetup(
                id: "wycheproof-jwe/group\(index)", rules: ValidationRules(issuers: [], allowedAlgorithms: [], checksClaims: false),
                keys: .set([]), decryptionKeys: [key])
            for test in group["tests"] as? [[String: Any]] ?? [] {
                let id = "\(test["tcId"] ?? "?")"
                let result = test["result"] as? String ?? ""
                guard let expectation = ConformanceExpectation.wycheproof(result) else {
                    throw .malformedVectors(path: url.path, "tcId \(id): unknown result \"\(result)\"")
                }
                let token: String
                if let compact = test["jwe"] as? String {
                    token = compact
                } else if let json = test["jwe"], let text = try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]) {
                    token = String(decoding: text, as: UTF8.self)
                } else {
                    throw .malformedVectors(path: url.path, "tcId \(id): no jwe")
                }
                let plaintext = (test["pt"] as? String).flatMap(ConformanceWycheproof.hex) ?? []
                let flags = test["flags"] as? [String] ?? []
                cases.append(
                    ConformanceCase(
                        suite: .wycheproofJWE, localID: "tc\(id)",
                        description: "group \(comment) (\(key.kty) \(key.alg ?? "")): \(test["comment"] as? String ?? "")"
                            + (flags.isEmpty ? "" : " \(flags)"),
                        tags: [result, comment, key.alg ?? key.kty] + flags, expectation: expectation,
                        body: .run(.decryption(token: token, plaintext: plaintext), setup, now: VectorFile.defaultNow)))
            }
        }
        guard cases.count == count else {
            throw .malformedVectors(path: url.path, "\(cases.count) tests read, numberOfTests says \(count)")
        }
        return cases
    }
}
