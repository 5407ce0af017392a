/// The kind of token a policy expects at one location (`http.tokens[].type` in ngrok's
/// `jwt-validation` action).
///
/// Only the explicitly typed kinds constrain the JOSE header: `at+jwt` and `it+jwt` require a
/// matching `typ`, which stops a token of one kind (say an ID token signed with the same key)
/// from being replayed as another (RFC 9068 section 4, RFC 8725 section 3.11). The other
/// kinds accept any `typ`, as ngrok does.
public enum TokenType: String, Sendable, Hashable, CaseIterable, Codable {
    /// Any JWT.
    case jwt
    /// An OAuth access token; `typ` not checked (use `at+jwt` to require RFC 9068 typing).
    case accessToken = "access_token"
    /// An OpenID Connect ID token; `typ` not checked.
    case idToken = "id_token"
    /// A JWT access token per RFC 9068: header `typ` must be `at+jwt`.
    case atJWT = "at+jwt"
    /// ngrok's explicitly typed ID token: header `typ` must be `it+jwt`.
    case itJWT = "it+jwt"
    /// ngrok's `plain`: no `typ` requirement.
    case plain

    /// The JOSE header `typ` this kind requires, or `nil` when any (or no) `typ` will do.
    public var requiredTyp: String? {
        switch self {
        case .atJWT: return "at+jwt"
        case .itJWT: return "it+jwt"
        case .jwt, .accessToken, .idToken, .plain: return nil
        }
    }

    /// Whether a token whose header carries `typ` (nil when absent) fits this kind.
    ///
    /// Media type names are case-insensitive and may omit their `application/` prefix
    /// (RFC 7515 section 4.1.9), so `AT+JWT` and `application/at+jwt` both match `at+jwt`;
    /// a missing `typ` never matches a required one.
    public func accepts(typ: String?) -> Bool {
        guard let required = requiredTyp else { return true }
        guard let typ else { return false }
        let lowered = typ.lowercased()
        return lowered == required || lowered == "application/" + required
    }
}
