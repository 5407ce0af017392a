import Foundation
import JOSECrypto
import TokenMint

/// `rfc7520`: the JOSE cookbook (`jose-cookbook/`): RFC 7520 section 4 JWS and section 3 JWK
/// examples, RFC 8037 A.4 (Ed25519) and RFC 7797 (`b64: false`).
///
/// - JWS examples with a compact form (4.1 to 4.4, RFC 8037 A.4) are decided under
///   `ValidationRules.signatureOnly` (the payloads are prose, not claims) with exactly the
///   example's algorithm and the public half of its key trusted, and must be allowed.
/// - 4.5 (detached content) is skipped: its payload travels outside the token, and a
///   compact-JWS validator only ever receives the token. 4.6, 4.7, 4.8 and RFC 7797 4.2 have
///   no compact form (unprotected headers, several signatures): skipped.
/// - The RFC 7797 compact example (`b64: false`, listed in `crit`) must be denied.
/// - Section 3 keys are key-import cases: the key set holding the key must yield a key for an
///   algorithm (`ConformanceSetup.algorithms(for:)`). Keys meant for signing (no `use` or `use:
///   sig`, no `alg` or a JWS one) must be accepted; 3.6, an A256GCM encryption key, refused.
/// Case ids: `rfc7520/4.1`, `rfc7520/3.6`, `rfc7520/rfc8037-A.4`, `rfc7520/rfc7797-compact`, ...
public enum ConformanceRFC7520Suite {
    /// The cases of `jose-cookbook/` under the vectors folder `root`.
    public static func load(from root: URL) throws(ConformanceError) -> [ConformanceCase] {
        let base = root.appendingPathComponent("jose-cookbook")
        var cases: [ConformanceCase] = []
        for name in try listing(base.appendingPathComponent("jwk")) {
            cases.append(try keyCase(base.appendingPathComponent("jwk/" + name), localID: section(name)))
        }
        for name in try listing(base.appendingPathComponent("jws")) {
            cases.append(
                try jwsCase(base.appendingPathComponent("jws/" + name), localID: section(name), tags: ["rfc7520"], mustVerify: true))
        }
        cases.append(
            try jwsCase(base.appendingPathComponent("curve25519/jws.json"), localID: "rfc8037-A.4", tags: ["rfc8037"], mustVerify: true))
        cases.append(
            try jwsCase(
                base.appendingPathComponent("rfc7797/hmac-sha2_b64_false.json"), localID: "rfc7797-compact",
                tags: ["rfc7797", "b64"], mustVerify: false))
        cases.append(
            try jwsCase(
                base.appendingPathComponent("rfc7797/4.2.hmac-sha2_b64_false.json"), localID: "rfc7797-4.2",
                tags: ["rfc7797", "b64"], mustVerify: false))
        return cases
    }

    /// The `.json` files of a cookbook folder, in name order; an empty or missing folder is an error.
    static func listing(_ folder: URL) throws(ConformanceError) -> [String] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        guard !names.isEmpty else { throw .missingVectors("no cookbook examples in \(folder.path)") }
        return names
    }

    /// `4_1.rsa_v15_signature.json` -> `4.1`.
    static func section(_ name: String) -> String {
        String(name.prefix { $0 != "." }).replacingOccurrences(of: "_", with: ".")
    }

    static func object(_ url: URL) throws(ConformanceError) -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw .missingVectors("vector file \(url.path) is missing") }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw .malformedVectors(path: url.path, "not a JSON object")
        }
        return object
    }

    static func jwk(_ value: Any?, _ url: URL) throws(ConformanceError) -> JWK {
        guard let value, JSONSerialization.isValidJSONObject(value), let data = try? JSONSerialization.data(withJSONObject: value),
            let key = try? JSONDecoder().decode(JWK.self, from: data)
        else { throw .malformedVectors(path: url.path, "key is not a JWK object") }
        return key
    }

    static func keyCase(_ url: URL, localID: String) throws(ConformanceError) -> ConformanceCase {
        let key = try jwk(try object(url), url)
        let forSigning = (key.use == nil || key.use == "sig") && (key.alg.map { JWSAlgorithm(rawValue: $0) != nil } ?? true)
        let algorithms = ConformanceSetup.algorithms(for: key)
        let setup = ConformanceSetup(id: "rfc7520/\(localID)", rules: .signatureOnly(algorithms), keys: .set([key]))
        let what =
            "\(key.kty)\(key.crv.map { " \($0)" } ?? "") \(key.isPrivate ? "private" : "public") key"
            + (key.alg.map { ", alg \($0)" } ?? "") + (key.use.map { ", use \($0)" } ?? "")
        return ConformanceCase(
            suite: .rfc7520, localID: localID,
            description: "RFC 7520 \(localID) key import: \(what) "
                + (forSigning ? "serves \(algorithms.map(\.rawValue).joined(separator: "/"))" : "is no signing key"),
            tags: ["rfc7520", "jwk", key.kty], expectation: forSigning ? .allow : .deny(nil),
            body: .run(.keyImport, setup, now: VectorFile.defaultNow))
    }

    /// A JWS example. `mustVerify` false: the example uses a feature this validator refuses
    /// (RFC 7797 `b64: false`), so its compact form must be denied.
    static func jwsCase(_ url: URL, localID: String, tags: [String], mustVerify: Bool) throws(ConformanceError) -> ConformanceCase {
        let example = try object(url)
        let title = example["title"] as? String ?? localID
        let input = example["input"] as? [String: Any] ?? [:]
        let output = example["output"] as? [String: Any] ?? [:]
        let description = "\(localID): \(title)"
        guard let compact = output["compact"] as? String else {
            return ConformanceCase(
                suite: .rfc7520, localID: localID, description: description, tags: tags + ["json-serialization"],
                expectation: mustVerify ? .allow : .deny(nil),
                body: .skip(
                    "no compact serialization (JSON only: unprotected headers or several signatures); out of scope for a compact-JWS validator"
                ))
        }
        let payload = input["payload"] as? String ?? ""
        if compact.split(separator: ".", omittingEmptySubsequences: false).dropFirst().first?.isEmpty == true && !payload.isEmpty {
            return ConformanceCase(
                suite: .rfc7520, localID: localID, description: description, tags: tags + ["detached"],
                expectation: .allow,
                body: .skip(
                    "detached content (RFC 7515 appendix F): the payload travels outside the token, which a compact-JWS validator never receives"
                ))
        }
        guard let algName = input["alg"] as? String, let algorithm = JWSAlgorithm(rawValue: algName) else {
            throw .malformedVectors(path: url.path, "input.alg is not one JWS algorithm")
        }
        let key = try jwk(input["key"], url)
        // The public half: a verifier is never given the private key (an oct key is its own).
        let trusted = key.kty == "oct" ? key : key.publicKey
        let setup = ConformanceSetup.signatureOnly(id: "rfc7520/\(localID)", keys: [trusted], algorithms: [algorithm])
        return ConformanceCase(
            suite: .rfc7520, localID: localID, description: description + (mustVerify ? "" : ": an unencoded payload must be refused"),
            tags: tags + [algorithm.rawValue], expectation: mustVerify ? .allow : .deny(nil),
            body: .run(.token(compact), setup, now: VectorFile.defaultNow))
    }
}
