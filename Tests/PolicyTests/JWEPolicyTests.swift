import Foundation
import JOSECrypto
import JWTValidation
import Policy
import Testing

/// `jwtbench.jwe` in a policy: parsed strictly, keys private and local, and `require:
/// encrypted` refused with public-key key management.
@Suite struct JWEPolicyTests {
    static let secret = Base64URL.encode([UInt8](repeating: 7, count: 32))
    static let inline = "{keys: [{kty: oct, kid: s1, k: \"\(secret)\"}]}"

    static func config(_ jwe: String) -> String {
        """
        issuer:
          allow_list:
            - value: https://issuer.example/
        http: {tokens: [{type: jwt, method: header, name: Authorization, prefix: "Bearer "}]}
        jws:
          allowed_algorithms: [RS256]
        jwtbench:
          jwe:
        \(jwe)
        """
    }

    static func expectError(
        _ field: String, _ text: String, code: String = "ERR_NGROK_7171", sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            _ = try Policy.parse(text, baseDirectory: "/etc/jwtbench")
            Issue.record("expected an error for \(field)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(error.field == field, "\(error)", sourceLocation: sourceLocation)
            #expect(error.message.hasPrefix("jwtbench extension"), "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func parsesIntoTheValidatorsRules() throws {
        let policy = try Policy.parse(
            Self.config(
                """
                    require: encrypted
                    allowed_key_management: [dir, A256KW]
                    allowed_content_encryption: [A256GCM, A128CBC-HS256]
                    keys: {inline: \(Self.inline)}
                """))
        let jwe = try #require(policy.jwe)
        #expect(jwe.requirement == .encrypted)
        #expect(jwe.allowedKeyManagement == [.dir, .a256KW])
        #expect(jwe.allowedContentEncryption == [.a256GCM, .a128CBCHS256])
        #expect(jwe.prepared.count == 1)
        let rules = ValidationRules(policy: policy)
        #expect(rules.encryption.requirement == .encrypted)
        #expect(rules.encryption.keys.first?.kid == "s1")
        let defaults = try Policy.parse(
            Self.config(
                "    allowed_key_management: [A256KW]\n    allowed_content_encryption: [A256GCM]\n    keys: {inline: \(Self.inline)}"))
        #expect(defaults.jwe?.requirement == .nested)
        let none = try Policy.parse(Self.config("").components(separatedBy: "jwtbench:")[0])
        #expect(none.jwe == nil)
        #expect(ValidationRules(policy: none).encryption.requirement == .signed)
    }

    @Test func keysComeFromFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jwe-policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var key = try KeyGenerator.generate(for: .rs256, kid: "r1")
        key.alg = nil
        key.use = nil
        try JWKSet(keys: [key]).jsonString().write(to: dir.appendingPathComponent("dec.json"), atomically: true, encoding: .utf8)
        let policy = try Policy.parse(
            Self.config(
                "    allowed_key_management: [RSA-OAEP-256]\n    allowed_content_encryption: [A256GCM]\n    keys: {files: [dec.json]}"),
            baseDirectory: dir.path)
        #expect(policy.jwe?.prepared.first?.kid == "r1")
        #expect(policy.jwe?.keyFiles == [dir.appendingPathComponent("dec.json").path])
        // A public key cannot decrypt.
        try JWKSet(keys: [key.publicKey]).jsonString().write(to: dir.appendingPathComponent("pub.json"), atomically: true, encoding: .utf8)
        Self.expectError(
            "jwtbench.jwe.keys[0]",
            Self.config(
                "    allowed_key_management: [RSA-OAEP]\n    allowed_content_encryption: [A256GCM]\n    keys: {files: [\(dir.path)/pub.json]}"
            ),
            code: "ERR_NGROK_7186")
    }

    @Test func configurationErrorsNameTheField() {
        let algs = "    allowed_key_management: [A256KW]\n    allowed_content_encryption: [A256GCM]\n"
        let keys = "    keys: {inline: \(Self.inline)}"
        Self.expectError("jwtbench.jwe.require", Self.config("    require: sometimes\n" + algs + keys))
        Self.expectError("jwtbench.jwe.allowed_key_management", Self.config("    allowed_content_encryption: [A256GCM]\n" + keys))
        Self.expectError("jwtbench.jwe.allowed_content_encryption", Self.config("    allowed_key_management: [A256KW]\n" + keys))
        Self.expectError(
            "jwtbench.jwe.allowed_key_management",
            Self.config("    allowed_key_management: [RSA1_5]\n    allowed_content_encryption: [A256GCM]\n" + keys))
        Self.expectError(
            "jwtbench.jwe.allowed_key_management",
            Self.config("    allowed_key_management: [PBES2-HS256+A128KW]\n    allowed_content_encryption: [A256GCM]\n" + keys))
        Self.expectError(
            "jwtbench.jwe.allowed_content_encryption",
            Self.config("    allowed_key_management: [A256KW]\n    allowed_content_encryption: [A128CTR]\n" + keys))
        Self.expectError("jwtbench.jwe.keys", Self.config(algs))
        Self.expectError("jwtbench.jwe.keys.urls", Self.config(algs + "    keys: {urls: [https://x.example/]}"))
        Self.expectError("jwtbench.jwe.additional_jkus", Self.config(algs + keys + "\n    additional_jkus: [https://x.example/]"))
        Self.expectError("jwtbench.jwe.zip", Self.config(algs + keys + "\n    zip: DEF"))
        // A 32-byte secret fits A256KW, not A128KW.
        Self.expectError(
            "jwtbench.jwe.keys[0]", Self.config("    allowed_key_management: [A128KW]\n    allowed_content_encryption: [A256GCM]\n" + keys),
            code: "ERR_NGROK_7186")
    }

    @Test(arguments: ["RSA-OAEP", "RSA-OAEP-256", "ECDH-ES", "ECDH-ES+A128KW"])
    func requireEncryptedWithPublicKeyManagementIsRefused(alg: String) {
        Self.expectError(
            "jwtbench.jwe.require",
            Self.config(
                "    require: encrypted\n    allowed_key_management: [A256KW, \(alg)]\n    allowed_content_encryption: [A256GCM]\n    keys: {inline: \(Self.inline)}"
            ))
    }
}
