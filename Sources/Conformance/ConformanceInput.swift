import JWTValidation

/// What a conformance case hands the decision engine.
public enum ConformanceInput: Sendable {
    /// A bare token, validated under the case's rules and keys.
    case token(String)
    /// A whole request: the tokens are extracted where the case's policy says.
    case request(HTTPRequest)
    /// A raw signature over arbitrary bytes (Wycheproof primitive files, whose `msg` is no JWS
    /// signing input), checked by the verifier the key set prepared for the case's single
    /// algorithm: exactly the verifier a token would be checked with.
    case signature(message: [UInt8], signature: [UInt8])
    /// No token at all: whether the case's key set yields a key that serves one of its
    /// algorithms (RFC 7520 section 3 key examples).
    case keyImport
    /// A compact JWE decrypted with the setup's decryption keys and nothing else checked:
    /// allowed only when it decrypts to exactly `plaintext` (the JWE vector suites, whose
    /// plaintexts are no claims sets).
    case decryption(token: String, plaintext: [UInt8])
    /// A JWE primitive vector through our wrappers, on both backends (which must agree).
    case jwePrimitive(ConformanceJWEPrimitive)
}
