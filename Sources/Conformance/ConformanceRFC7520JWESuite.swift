import Foundation
import JOSECrypto
import JWTValidation
import TokenMint

/// `rfc7520-jwe`: the RFC 7520 cookbook's JWE examples (section 5, `jose-cookbook/jwe/`),
/// each compact serialization decrypted with the example's key to its plaintext, and section
/// 6's nested JWT validated whole (decrypted, then its PS256 token verified with the signing
/// key and its claims checked at a time before its `exp`). Refused by design, and on the
/// expected-failure list: 5.1 (RSA1_5), 5.3 (PBES2), 5.9 (`zip`). Examples with no compact
/// form (5.10 to 5.13: AAD, unprotected headers, several recipients) are skipped: a JSON
/// serialization is out of scope. Case ids: `rfc7520-jwe/5.N`, `rfc7520-jwe/6`.
public enum ConformanceRFC7520JWESuite {
    static let directory = "jose-cookbook/jwe/"
    static let nesting = "jose-cookbook/6.nesting_signatures_and_encryption.json"

    /// The cases under the vectors folder `root`.
    public static func load(from root: URL) throws(ConformanceError) -> [ConformanceCase] {
        let folder = root.appendingPathComponent(directory)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            throw .missingVectors("\(folder.path) is missing")
        }
        var cases: [ConformanceCase] = []
        let examples = names.filter { $0.hasPrefix("5_") && $0.hasSuffix(".json") }.sorted {
            $0.split(separator: ".")[0].split(separator: "_").last.flatMap { Int($0) } ?? 0
                < $1.split(separator: ".")[0].split(separator: "_").last.flatMap { Int($0) } ?? 0
        }
        for name in examples {
            let number = name.split(separator: ".")[0].replacingOccurrences(of: "_", with: ".")
            cases.append(try example(folder.appendingPathComponent(name), localID: number))
        }
        cases.append(try nested(root.appendingPathComponent(nesting)))
        return cases
    }

    static func object(_ url: URL) throws(ConformanceError) -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw .missingVectors("vector file \(url.path) is missing") }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw .malformedVectors(path: url.path, "not a JSON object")
        }
        return object
    }

    static func example(_ url: URL, localID: String) throws(ConformanceError) -> ConformanceCase {
        let example = try object(url)
        let title = example["title"] as? String ?? localID
        let input = example["input"] as? [String: Any] ?? [:]
        let output = example["output"] as? [String: Any] ?? [:]
        let alg = input["alg"] as? String ?? "?"
        let tags = ["rfc7520", "jwe", alg, input["enc"] as? String ?? "?"]
        guard let compact = output["compact"] as? String else {
            return ConformanceCase(
                suite: .rfc7520JWE, localID: localID, description: "\(localID): \(title)", tags: tags + ["json-serialization"],
                expectation: .allow,
                body: .skip("no compact serialization (JSON only: AAD, unprotected headers or several recipients); out of scope"))
        }
        let keys: [JWK]
        if let key = input["key"] {
            keys = [try ConformanceRFC7520Suite.jwk(key, url)]
        } else {
            keys = []  // PBES2's password: no key of ours can serve it.
        }
        let setup = ConformanceSetup(
            id: "rfc7520-jwe/\(localID)", rules: ValidationRules(issuers: [], allowedAlgorithms: [], checksClaims: false), keys: .set([]),
            decryptionKeys: keys)
        let plaintext = Array((input["plaintext"] as? String ?? "").utf8)
        return ConformanceCase(
            suite: .rfc7520JWE, localID: localID, description: "\(localID): \(title)", tags: tags, expectation: .allow,
            body: .run(.decryption(token: compact, plaintext: plaintext), setup, now: VectorFile.defaultNow))
    }

    /// Section 6: a PS256 JWT inside RSA-OAEP with A128GCM, validated as a nested token.
    static func nested(_ url: URL) throws(ConformanceError) -> ConformanceCase {
        let example = try object(url)
        let sign = example["sign"] as? [String: Any] ?? [:]
        let encrypt = example["encrypt"] as? [String: Any] ?? [:]
        guard let signKey = (sign["input"] as? [String: Any])?["key"], let encryptKey = (encrypt["input"] as? [String: Any])?["key"],
            let compact = (encrypt["output"] as? [String: Any])?["compact"] as? String,
            let payload = (sign["input"] as? [String: Any])?["payload"] as? String,
            let claims = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any],
            let iss = claims["iss"] as? String, let exp = (claims["exp"] as? NSNumber)?.int64Value
        else { throw .malformedVectors(path: url.path, "not the nesting example") }
        let verifying = try ConformanceRFC7520Suite.jwk(signKey, url).publicKey
        let setup = ConformanceSetup(
            id: "rfc7520-jwe/6", rules: ValidationRules(issuers: [iss], allowedAlgorithms: [.ps256]), keys: .set([verifying]),
            decryptionKeys: [try ConformanceRFC7520Suite.jwk(encryptKey, url)], requirement: .nested)
        return ConformanceCase(
            suite: .rfc7520JWE, localID: "6",
            description: "6: \(example["title"] as? String ?? "nesting"): decrypted, the inner PS256 token verified and its claims checked",
            tags: ["rfc7520", "jwe", "nested", "RSA-OAEP", "A128GCM", "PS256"], expectation: .allow,
            body: .run(.token(compact), setup, now: exp - 60))
    }
}
