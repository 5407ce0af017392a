import JOSECrypto
import JWTValidation

/// Encrypted tokens a policy accepts (jwtbench extension, `jwtbench.jwe`).
///
/// ```yaml
/// jwtbench:
///   jwe:
///     require: nested                  # signed | encrypted | nested; default nested
///     allowed_key_management: [RSA-OAEP-256, ECDH-ES+A256KW]   # JWE "alg" values, required
///     allowed_content_encryption: [A256GCM]                    # JWE "enc" values, required
///     keys:                            # private keys: inline or files, never a URL
///       inline: {keys: [{kty: RSA, kid: enc-1, n: ..., e: ..., d: ..., ...}]}
///       files: [keys/decryption.json]  # JWK Set files, relative to the policy file
/// ```
/// With `encrypted` or `nested` a plain JWS is denied (`encryption_required`); with `signed`
/// (or no `jwe` block) an encrypted token is denied (`encryption_not_allowed`). `encrypted`
/// with RSA-OAEP or ECDH-ES is a configuration error: anyone holding the public key can make a
/// token that decrypts, so a non-nested token only authenticates with a shared secret.
/// Keys are read and prepared when the policy is parsed (a bad key is a configuration error).
public struct JWESettings: Sendable, Equatable {
    public var requirement: EncryptionRules.Requirement
    public var allowedKeyManagement: [JWEKeyManagement]
    public var allowedContentEncryption: [JWEContentEncryption]
    /// The private JWKs, inline ones first, then each file's in order.
    public var keys: [JWK]
    /// The files the keys came from, resolved against the policy file's directory.
    public var keyFiles: [String]
    /// The prepared keys (made once, with the policy's crypto backend).
    public let prepared: [JWEDecryptionKey]

    public init(
        requirement: EncryptionRules.Requirement, allowedKeyManagement: [JWEKeyManagement],
        allowedContentEncryption: [JWEContentEncryption], keys: [JWK], keyFiles: [String] = [], prepared: [JWEDecryptionKey]
    ) {
        self.requirement = requirement
        self.allowedKeyManagement = allowedKeyManagement
        self.allowedContentEncryption = allowedContentEncryption
        self.keys = keys
        self.keyFiles = keyFiles
        self.prepared = prepared
    }

    /// The validator's form.
    public var rules: EncryptionRules {
        EncryptionRules(
            requirement: requirement, keys: prepared, allowedKeyManagement: allowedKeyManagement,
            allowedContentEncryption: allowedContentEncryption)
    }

    public static func == (a: JWESettings, b: JWESettings) -> Bool {
        a.requirement == b.requirement && a.allowedKeyManagement == b.allowedKeyManagement
            && a.allowedContentEncryption == b.allowedContentEncryption && a.keys == b.keys && a.keyFiles == b.keyFiles
    }
}
