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
    public let algorithm: JWSAlgorithm
    /// Where the token came from; nil for a bare token.
    public let location: TokenLocation?
    /// The token's `exp`, when it has one (for verified-token caches).
    public let expiresAt: Int64?
    /// The crypto backend that verified the signature (`openssl`, `boringssl`): a small
    /// string, stored inline without a heap object.
    public let backend: String

    /// What a validator (or a verified-token cache in front of one, re-stating an earlier
    /// verification of the same bytes) found. Making one asserts that `token`'s signature
    /// verified and its claims passed.
    public init(token: String, algorithm: JWSAlgorithm, location: TokenLocation?, expiresAt: Int64?, backend: String) {
        self.token = token
        self.algorithm = algorithm
        self.location = location
        self.expiresAt = expiresAt
        self.backend = backend
    }

    private func segment(_ index: Int) -> Substring {
        token.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)[index]
    }

    /// The decoded JOSE header, as JSON text.
    public var headerJSON: String { String(decoding: Base64URL.decode(String(segment(0))) ?? [], as: UTF8.self) }
    /// The decoded claims set, as JSON text.
    public var payloadJSON: String { String(decoding: Base64URL.decode(String(segment(1))) ?? [], as: UTF8.self) }
    /// The signature segment as it appeared (base64url).
    public var signature: String { String(segment(2)) }

    /// The header as a JSON object.
    public var header: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(headerJSON.utf8))) as? [String: Any] ?? [:]
    }

    /// The claims as a JSON object.
    public var payload: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(payloadJSON.utf8))) as? [String: Any] ?? [:]
    }
}
