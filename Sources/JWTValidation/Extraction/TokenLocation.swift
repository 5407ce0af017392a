/// One configured token: what kind it is and where to find it (`http.tokens[]`).
public struct TokenLocation: Sendable, Hashable, CustomStringConvertible {
    /// The kind of token, which decides the `typ` it must carry.
    public var type: TokenType
    /// Header or body.
    public var method: TokenMethod
    /// The header name (matched case-insensitively) or body member/field name (exact).
    public var name: String
    /// What precedes the token in the value, e.g. `"Bearer "`; `""` takes the whole value.
    /// Matched ASCII-case-insensitively, because an HTTP auth scheme is (RFC 9110 section
    /// 11.1) and clients do send `bearer`.
    public var prefix: String

    /// A location as written in code; `Policy.parse` checks names and prefixes, this does not.
    public init(type: TokenType = .jwt, method: TokenMethod = .header, name: String, prefix: String = "") {
        self.type = type
        self.method = method
        self.name = name
        self.prefix = prefix
    }

    /// `Authorization: Bearer <token>`, a plain `jwt`: what a policy gets when it has no
    /// `http.tokens` (ngrok itself requires the field; this default is ours).
    public static let authorizationBearer = TokenLocation(
        type: .jwt, method: .header, name: "Authorization", prefix: "Bearer ")

    /// `"header:Authorization"` or `"body:_id_token"`: names the location in denial details
    /// and reports without revealing the token.
    public var description: String { "\(method.rawValue):\(name)" }
}
