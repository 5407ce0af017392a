import JOSECrypto

/// What an allowed encrypted token was: its JWE algorithms and what it decrypted to.
public struct EncryptionDetails: Sendable {
    public let keyManagement: JWEKeyManagement
    public let contentEncryption: JWEContentEncryption
    /// True for a nested JWT (`cty: JWT`): `plaintext` is the inner JWS, whose signature,
    /// issuer, audience and times were checked as any JWS's.
    public let nested: Bool
    /// The decrypted content: the inner JWS (nested) or the claims set's JSON text.
    public let plaintext: String

    public init(keyManagement: JWEKeyManagement, contentEncryption: JWEContentEncryption, nested: Bool, plaintext: String) {
        self.keyManagement = keyManagement
        self.contentEncryption = contentEncryption
        self.nested = nested
        self.plaintext = plaintext
    }
}
