import Foundation
import JOSECrypto
import TokenMint

/// `wycheproof-jwe-primitives`: the Wycheproof files behind the JWE algorithms through the JWE
/// wrappers on both backends (`ConformanceJWEPrimitive`).
///
/// Rules: a vector whose parameters a JWE algorithm uses expects Wycheproof's `result`; one
/// whose parameters no JWE algorithm has must be refused whatever its `result`: AES-GCM with an
/// IV other than 96 bits or a tag other than 128 bits, RSA-OAEP with a label (JWE uses none),
/// a key-wrap input of a size no CEK has. Case ids: `wycheproof-jwe-primitives/<file>/tc<tcId>`.
public enum ConformanceWycheproofJWEPrimitivesSuite {
    static let directory = "wycheproof/testvectors_v1/"
    static let files = [
        "aes_gcm_test.json", "a128cbc_hs256_test.json", "a192cbc_hs384_test.json", "a256cbc_hs512_test.json", "aes_wrap_test.json",
        "rsa_oaep_2048_sha1_mgf1sha1_test.json", "rsa_oaep_2048_sha256_mgf1sha256_test.json",
        "rsa_oaep_3072_sha256_mgf1sha256_test.json", "rsa_oaep_4096_sha256_mgf1sha256_test.json",
        "ecdh_secp256r1_webcrypto_test.json", "ecdh_secp384r1_webcrypto_test.json", "ecdh_secp521r1_webcrypto_test.json",
    ]

    /// The cases of every file under the vectors folder `root`.
    public static func load(from root: URL) throws(ConformanceError) -> [ConformanceCase] {
        var cases: [ConformanceCase] = []
        for file in files {
            cases += try load(file, root.appendingPathComponent(directory + file))
        }
        return cases
    }

    static func load(_ file: String, _ url: URL) throws(ConformanceError) -> [ConformanceCase] {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw .missingVectors("vector file \(url.path) is missing") }
        guard let document = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let groups = document["testGroups"] as? [[String: Any]]
        else { throw .malformedVectors(path: url.path, "not a Wycheproof test file") }
        let name = String(file.dropLast("_test.json".count))
        let setup = ConformanceSetup(id: "wycheproof-jwe-primitives/\(name)", rules: .signatureOnly([]), keys: .set([]))
        var cases: [ConformanceCase] = []
        for group in groups {
            for test in group["tests"] as? [[String: Any]] ?? [] {
                let id = "\(test["tcId"] ?? "?")"
                let result = test["result"] as? String ?? ""
                guard let (operation, expected, jweParameters) = try vector(file, group: group, test: test, url: url) else { continue }
                let wycheproof = ConformanceExpectation.wycheproof(result) ?? .deny(nil)
                let expectation: ConformanceExpectation = jweParameters ? wycheproof : .deny(nil)
                let mustSucceed: Bool? =
                    switch expectation {
                    case .allow: true
                    case .deny: false
                    case .acceptable: nil
                    }
                let flags = test["flags"] as? [String] ?? []
                cases.append(
                    ConformanceCase(
                        suite: .wycheproofJWEPrimitives, localID: "\(name)/tc\(id)",
                        description: "\(name) tc\(id): \(test["comment"] as? String ?? "")"
                            + (jweParameters ? "" : " (parameters no JWE algorithm uses: must be refused)"),
                        tags: [result, name] + flags, expectation: expectation,
                        body: .run(
                            .jwePrimitive(ConformanceJWEPrimitive(operation: operation, expected: expected, mustSucceed: mustSucceed)),
                            setup, now: VectorFile.defaultNow)))
            }
        }
        return cases
    }

    /// The operation, the expected output and whether a JWE algorithm uses these parameters.
    static func vector(_ file: String, group: [String: Any], test: [String: Any], url: URL) throws(ConformanceError) -> (
        ConformanceJWEPrimitive.Operation, [UInt8], Bool
    )? {
        func bytes(_ key: String) throws(ConformanceError) -> [UInt8] {
            guard let text = test[key] as? String, let value = ConformanceWycheproof.hex(text) else {
                throw .malformedVectors(path: url.path, "tcId \(test["tcId"] ?? "?"): \(key) is not hex")
            }
            return value
        }
        func jwk(_ value: Any?) throws(ConformanceError) -> JWK {
            guard let value, let data = try? JSONSerialization.data(withJSONObject: value),
                let key = try? JSONDecoder().decode(JWK.self, from: data)
            else { throw .malformedVectors(path: url.path, "tcId \(test["tcId"] ?? "?"): not a JWK") }
            return key
        }
        if file == "aes_gcm_test.json" || file.hasPrefix("a1") || file.hasPrefix("a2") {
            let key = try bytes("key")
            let enc: JWEContentEncryption?
            if file == "aes_gcm_test.json" {
                enc = [16: .a128GCM, 24: .a192GCM, 32: .a256GCM][key.count]
            } else {
                enc = [32: .a128CBCHS256, 48: .a192CBCHS384, 64: .a256CBCHS512][key.count]
            }
            guard let enc else { return nil }
            let iv = try bytes("iv")
            let tag = try bytes("tag")
            let operation = ConformanceJWEPrimitive.Operation.content(
                enc, key: key, iv: iv, aad: try bytes("aad"), ciphertext: try bytes("ct"), tag: tag)
            return (operation, try bytes("msg"), iv.count == enc.ivBytes && tag.count == enc.tagBytes)
        }
        if file == "aes_wrap_test.json" {
            let expected = try bytes("msg")
            return (.keyUnwrap(kek: try bytes("key"), wrapped: try bytes("ct")), expected, expected.count >= 16 && expected.count % 8 == 0)
        }
        if file.hasPrefix("rsa_oaep") {
            let key = try jwk(group["privateKeyJwk"])
            let label = try bytes("label")
            return (.oaep(key, sha256: file.contains("sha256"), ciphertext: try bytes("ct")), try bytes("msg"), label.isEmpty)
        }
        // ECDH (WebCrypto encoding: JWKs).
        return (.ecdh(private: try jwk(test["private"]), peer: try jwk(test["public"])), try bytes("shared"), true)
    }
}
