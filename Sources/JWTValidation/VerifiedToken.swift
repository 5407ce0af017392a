import Foundation
import JOSECrypto

/// A token whose signature verified and whose claims passed, with what ngrok exposes as
/// `actions.ngrok.jwt_validation.tokens[]`.
///
/// Holds the token text and the verifier (two retains, no copies); header and payload are
/// decoded only when asked for, off the hot path.
public struct VerifiedToken: Sendable {
    public let token: String
    public let algorithm: JWSAlgorithm
    /// Where the token came from; nil for a bare token.
    public let location: TokenLocation?
    /// The token's `exp`, when it has one (for verified-token caches).
    public let expiresAt: Int64?
    let verifier: any SignatureVerifier

    /// The crypto backend that verified the signature (`openssl`, `boringssl`).
    public var backend: String { verifier.backendName }

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
