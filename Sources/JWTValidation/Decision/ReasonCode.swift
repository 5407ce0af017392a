/// Why a token was denied. The raw values are a frozen contract (docs/ARCHITECTURE.md, Reason codes): users'
/// CI scripts and dashboards match on them, so codes may be added but never renamed.
public enum ReasonCode: String, Sendable, Hashable, CaseIterable, Codable {
    case tokenMissing = "token_missing"
    case tokenAmbiguous = "token_ambiguous"
    case requestUnsupported = "request_unsupported"
    case tokenTooLarge = "token_too_large"
    case tokenMalformed = "token_malformed"
    case algorithmNotAllowed = "algorithm_not_allowed"
    case critUnsupported = "crit_unsupported"
    case typeMismatch = "type_mismatch"
    case claimsInvalid = "claims_invalid"
    case issuerNotAllowed = "issuer_not_allowed"
    case expired = "expired"
    case notYetValid = "not_yet_valid"
    case lifetimeTooLong = "lifetime_too_long"
    case audienceNotAllowed = "audience_not_allowed"
    case keyNotFound = "key_not_found"
    case keysUnavailable = "keys_unavailable"
    case signatureInvalid = "signature_invalid"
    /// Added after the first frozen set: a token with a good signature that is on the
    /// configured denylist (`jwtbench.revocation`). Checked last, after the signature.
    case revoked = "revoked"
    /// Added with encrypted tokens (JWE): the token could not be decrypted and authenticated
    /// with the configured keys. One code for every such failure (key unwrap, padding, tag,
    /// a bad ephemeral key), so nothing tells them apart.
    case decryptionFailed = "decryption_failed"
    /// Added with JWE: the policy requires an encrypted (or nested) token and this one is a
    /// plain JWS, or not nested where nesting is required.
    case encryptionRequired = "encryption_required"
    /// Added with JWE: an encrypted token (five segments) where the policy accepts only
    /// signed tokens (no `jwtbench.jwe`, or `require: signed`).
    case encryptionNotAllowed = "encryption_not_allowed"

    /// The HTTP status a gateway answers with: 403 when the token is valid but meant for
    /// someone else, 401 for everything else (RFC 6750 section 3.1).
    public var httpStatus: Int { self == .audienceNotAllowed ? 403 : 401 }

    /// The `WWW-Authenticate` header value (RFC 6750): no `error` when no token was sent.
    public var wwwAuthenticate: String {
        switch self {
        case .tokenMissing: return "Bearer"
        case .audienceNotAllowed: return "Bearer error=\"insufficient_scope\""
        default: return "Bearer error=\"invalid_token\""
        }
    }
}
