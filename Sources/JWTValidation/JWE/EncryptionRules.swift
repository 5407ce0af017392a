import JOSECrypto

/// What a policy accepts of encrypted tokens (`jwtbench.jwe`), compiled for the validator.
public struct EncryptionRules: Sendable {
    /// The kind of token required (NGINX's `auth_jwt_type`).
    public enum Requirement: String, Sendable, CaseIterable {
        /// Signed tokens (JWS) only; an encrypted token is `encryption_not_allowed`.
        case signed
        /// Encrypted tokens only (a JWS is `encryption_required`); the plaintext is the claims
        /// set, or a nested JWT. Only symmetric key management authenticates a non-nested one.
        case encrypted
        /// A signed token inside an encrypted one (`cty: JWT`) only.
        case nested
    }

    public let requirement: Requirement
    /// The decryption keys, in policy order.
    public let keys: [JWEDecryptionKey]
    public let allowedKeyManagement: [JWEKeyManagement]
    public let allowedContentEncryption: [JWEContentEncryption]

    public init(
        requirement: Requirement, keys: [JWEDecryptionKey], allowedKeyManagement: [JWEKeyManagement],
        allowedContentEncryption: [JWEContentEncryption]
    ) {
        self.requirement = requirement
        self.keys = keys
        self.allowedKeyManagement = allowedKeyManagement
        self.allowedContentEncryption = allowedContentEncryption
    }

    /// JWS only: what a policy without `jwtbench.jwe` means.
    public static let signedOnly = EncryptionRules(requirement: .signed, keys: [], allowedKeyManagement: [], allowedContentEncryption: [])
}
