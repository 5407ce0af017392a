import Foundation
import JOSECrypto
import JWTValidation
import Yams

/// `jwtbench.jwe`: encrypted tokens (see `JWESettings`).
extension PolicyParser {
    /// The most decryption keys a policy may name (inline and in files together).
    static let maxDecryptionKeys = 100

    func parseJWE(_ node: Node, field: String, backend: String?) throws(PolicyError) -> JWESettings {
        let block = try mapping(node, field)
        for (keyNode, _) in block {
            let name = (try? keyName(keyNode, field)) ?? ""
            if ["additional_jkus", "jku", "jkus", "url"].contains(name) {
                throw PolicyError(
                    .invalidConfiguration, "\(field).\(name)", "decryption keys are private: give them inline or in files, never by URL")
            }
        }
        try checkKeys(block, ["require", "allowed_key_management", "allowed_content_encryption", "keys"], field, .invalidConfiguration)
        var requirement = EncryptionRules.Requirement.nested
        if let node = block["require"] {
            let text = try string(node, field + ".require", .invalidConfiguration)
            guard let r = EncryptionRules.Requirement(rawValue: text) else {
                throw PolicyError(.invalidConfiguration, field + ".require", "\"\(text)\" is not signed, encrypted or nested")
            }
            requirement = r
        }
        let algs = try names(block["allowed_key_management"], field + ".allowed_key_management") {
            (name: String) throws(PolicyError) -> JWEKeyManagement in
            if name == "RSA1_5" || name.hasPrefix("PBES2") {
                throw PolicyError(
                    .invalidConfiguration, field + ".allowed_key_management",
                    "\(name) is refused by design (RSA1_5 is a padding oracle; PBES2's p2c lets a token name unbounded work)")
            }
            guard let alg = JWEKeyManagement(rawValue: name) else {
                throw PolicyError(
                    .invalidConfiguration, field + ".allowed_key_management",
                    "\"\(name)\" is not one of \(JWEKeyManagement.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return alg
        }
        let encs = try names(block["allowed_content_encryption"], field + ".allowed_content_encryption") {
            (name: String) throws(PolicyError) -> JWEContentEncryption in
            guard let enc = JWEContentEncryption(rawValue: name) else {
                throw PolicyError(
                    .invalidConfiguration, field + ".allowed_content_encryption",
                    "\"\(name)\" is not one of \(JWEContentEncryption.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return enc
        }
        if requirement == .encrypted, let open = algs.first(where: { !$0.isSymmetric }) {
            throw PolicyError(
                .invalidConfiguration, field + ".require",
                "require: encrypted with \(open.rawValue) would accept tokens anyone holding the public key can make; "
                    + "use require: nested (a signed token inside), or only symmetric key management (dir, AxxxKW, AxxxGCMKW)")
        }
        guard let keysNode = block["keys"] else {
            throw PolicyError(.invalidConfiguration, field + ".keys", "a jwe block needs decryption keys (inline or files)")
        }
        let (jwks, files) = try parseDecryptionKeys(keysNode, field: field + ".keys")
        let cipher = JWECiphers.named(backend ?? "auto") ?? OpenSSLJWECipher()
        var prepared: [JWEDecryptionKey] = []
        for (index, jwk) in jwks.enumerated() {
            let at = "\(field).keys[\(index)]"
            do {
                prepared.append(try JWEDecryptionKey(jwk: jwk, cipher: cipher))
            } catch {
                throw PolicyError(.invalidKeySet, at, "decryption key \(jwk.kid.map { "\"\($0)\" " } ?? "")is not usable: \(error)")
            }
            let key = prepared[index]
            guard algs.contains(where: { alg in encs.contains { key.fits(alg, $0) } }) else {
                throw PolicyError(
                    .invalidKeySet, at, "decryption key \(jwk.kid.map { "\"\($0)\" " } ?? "")fits none of the allowed algorithms")
            }
        }
        return JWESettings(
            requirement: requirement, allowedKeyManagement: algs, allowedContentEncryption: encs, keys: jwks, keyFiles: files,
            prepared: prepared)
    }

    /// A non-empty list of distinct names, each made into a value by `make`.
    private func names<T: Equatable>(_ node: Node?, _ field: String, _ make: (String) throws(PolicyError) -> T) throws(PolicyError) -> [T] {
        guard let node else { throw PolicyError(.invalidConfiguration, field, "required: list the allowed algorithms") }
        var result: [T] = []
        for (index, item) in try sequence(node, field).enumerated() {
            let value = try make(try string(item, "\(field)[\(index)]", .invalidConfiguration))
            guard !result.contains(value) else { throw PolicyError(.invalidConfiguration, "\(field)[\(index)]", "named twice") }
            result.append(value)
        }
        guard !result.isEmpty else { throw PolicyError(.invalidConfiguration, field, "at least one algorithm is required") }
        return result
    }

    /// `{inline: ..., files: [...]}`: private JWKs, each with private material.
    private func parseDecryptionKeys(_ node: Node, field: String) throws(PolicyError) -> ([JWK], [String]) {
        let sources = try mapping(node, field)
        try checkKeys(sources, ["inline", "files"], field, .invalidConfiguration)
        var keys: [JWK] = []
        if let inline = sources["inline"] { keys = try parseInlineKeys(inline, field: field + ".inline") }
        var files: [String] = []
        if let filesNode = sources["files"] {
            for (index, item) in try sequence(filesNode, field + ".files").enumerated() {
                let at = "\(field).files[\(index)]"
                let path = try string(item, at, .invalidConfiguration)
                guard !path.isEmpty else { throw PolicyError(.invalidConfiguration, at, "a key file path must be non-empty text") }
                let resolved = resolve(path)
                guard let data = FileManager.default.contents(atPath: resolved) else {
                    throw PolicyError(.invalidConfiguration, at, "cannot read the key file \(resolved)")
                }
                do {
                    keys += try JWKSet(data: data).keys
                } catch {
                    throw PolicyError(.invalidKeySet, at, "\(resolved) is not a JWK Set: \(error)")
                }
                files.append(resolved)
            }
        }
        guard !keys.isEmpty else { throw PolicyError(.invalidConfiguration, field, "at least one decryption key is required") }
        guard keys.count <= Self.maxDecryptionKeys else {
            throw PolicyError(.invalidConfiguration, field, "\(keys.count) decryption keys; at most \(Self.maxDecryptionKeys)")
        }
        return (keys, files)
    }
}
