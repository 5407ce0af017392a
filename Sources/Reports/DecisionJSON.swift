import JWTValidation

/// The one-line JSON forms of decisions that `jwtbench verify` prints (docs/ARCHITECTURE.md,
/// The `verify` output): a frozen contract, keys in a fixed order, byte for byte.
public enum DecisionJSON {
    /// A bare token's decision: `{"decision":"allow","reason":null,"http_status":200,"alg":"RS256",
    /// "tokens":[...]}`, the same `tokens` result a request's allow carries (with `location` and
    /// `location_property` null: a bare token was not taken from a request), or the denial (see
    /// `denial(_:)`).
    public static func line(for decision: Decision) -> String {
        switch decision {
        case .allow(let token):
            return object([
                ("decision", "\"allow\""), ("reason", "null"), ("http_status", "200"),
                ("alg", quote(token.algorithmName)), ("tokens", "[" + result(token) + "]"),
            ])
        case .deny(let d):
            return denial(d)
        }
    }

    /// One entry of `tokens`: what ngrok exposes as `actions.ngrok.jwt_validation.tokens[]`.
    static func result(_ t: VerifiedToken) -> String {
        object([
            ("location", t.location.map { quote($0.method.rawValue) } ?? "null"),
            ("location_property", t.location.map { quote($0.name) } ?? "null"),
            ("header", t.headerJSON), ("payload", t.payloadJSON),
            ("signature", quote(t.signature)), ("verified", "true"),
        ])
    }

    /// A request's decision: when allowed, `tokens` holds one object per configured token
    /// (`location`, `location_property`, `header`, `payload`, `signature`, `verified`), as ngrok
    /// exposes `actions.ngrok.jwt_validation.tokens[]`; else the denial.
    public static func line(for decision: RequestDecision) -> String {
        switch decision {
        case .allow(let tokens):
            let list = tokens.map(result)
            return object([
                ("decision", "\"allow\""), ("reason", "null"), ("http_status", "200"),
                ("tokens", "[" + list.joined(separator: ",") + "]"),
            ])
        case .deny(let d):
            return denial(d)
        }
    }

    /// `{"decision":"deny","reason":...,"http_status":...,"www_authenticate":...,"detail":...}`.
    public static func denial(_ d: Denial) -> String {
        object([
            ("decision", "\"deny\""), ("reason", quote(d.reason.rawValue)), ("http_status", "\(d.httpStatus)"),
            ("www_authenticate", quote(d.reason.wwwAuthenticate)), ("detail", quote(d.detail)),
        ])
    }

    /// A JSON object of already-encoded member values, in the given order.
    static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { "\(quote($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    static func quote(_ s: String) -> String { JSONString.quote(s) }
}
