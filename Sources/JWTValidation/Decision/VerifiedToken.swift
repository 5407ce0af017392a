import Foundation
import JOSECrypto

/// A token whose signature verified and whose claims passed, with what ngrok exposes as
/// `actions.ngrok.jwt_validation.tokens[]`.
///
/// Holds the token text (one retain, no copy) and scalars; header and payload are decoded only
/// when asked for, off the hot path. It deliberately holds no reference to the shared verifier:
/// a retain and release of one object on every validation from every thread is an atomic
/// read-modify-write on one cache line, which costs the most when threads scale.
public struct VerifiedToken: Sendable {
    public let token: String
    /// The JWS algorithm that verified the signature (of the inner token, for a nested JWT);
    /// nil for a non-nested encrypted token, which has no signature (see `encryption`).
    public let algorithm: JWSAlgorithm?
    /// Where the token came from; nil for a bare token.
    public let location: TokenLocation?
    /// The token's `exp`, when it has one (for verified-token caches).
    public let expiresAt: Int64?
    /// The crypto backend that verified the signature (`openssl`, `boringssl`): a small
    /// string, stored inline without a heap object.
    public let backend: String
    /// For an encrypted token (JWE): its algorithms and plaintext; nil for a JWS.
    public let encryption: EncryptionDetails?

    /// What a validator (or a verified-token cache in front of one, re-stating an earlier
    /// verification of the same bytes) found. Making one asserts that `token`'s signature
    /// verified and its claims passed.
    public init(
        token: String, algorithm: JWSAlgorithm?, location: TokenLocation?, expiresAt: Int64?, backend: String,
        encryption: EncryptionDetails? = nil
    ) {
        self.encryption = encryption
        self.token = token
        self.algorithm = algorithm
        self.location = location
        self.expiresAt = expiresAt
        self.backend = backend
    }

    /// The algorithm's name for reports: the JWS algorithm, or `alg+enc` of a non-nested
    /// encrypted token.
    public var algorithmName: String {
        if let algorithm { return algorithm.rawValue }
        return encryption.map { "\($0.keyManagement.rawValue)+\($0.contentEncryption.rawValue)" } ?? "unknown"
    }

    /// The signed token the claims are in: the inner JWS of a nested JWT, else the token.
    private var signed: String { encryption?.nested == true ? encryption!.plaintext : token }

    private func segment(_ index: Int) -> Substring {
        let parts = signed.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        return index < parts.count ? parts[index] : ""
    }

    /// The decoded JOSE header, as JSON text (a nested JWT's inner one; a non-nested
    /// encrypted token's protected header).
    public var headerJSON: String { String(decoding: Base64URL.decode(String(segment(0))) ?? [], as: UTF8.self) }
    /// The decoded claims set, as JSON text.
    public var payloadJSON: String {
        if let encryption, !encryption.nested { return encryption.plaintext }
        return String(decoding: Base64URL.decode(String(segment(1))) ?? [], as: UTF8.self)
    }
    /// The signature segment as it appeared (base64url); empty for a non-nested encrypted token.
    public var signature: String {
        if let encryption, !encryption.nested { return "" }
        return String(segment(2))
    }

    /// The header as a JSON object.
    public var header: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(headerJSON.utf8))) as? [String: Any] ?? [:]
    }

    /// The claims as a JSON object.
    public var payload: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(payloadJSON.utf8))) as? [String: Any] ?? [:]
    }
}
