import Foundation
import JWTValidation
import TokenMint

/// The one-line JSON forms of decisions printed by `verify` (docs/ARCHITECTURE.md, The `verify` output: frozen keys).
enum DecisionJSON {
    static func line(for decision: Decision) -> String {
        switch decision {
        case .allow(let token):
            return object([("decision", "\"allow\""), ("reason", "null"), ("http_status", "200"),
                           ("alg", quote(token.algorithm.rawValue))])
        case .deny(let d):
            return denial(d)
        }
    }

    static func line(for decision: RequestDecision) -> String {
        switch decision {
        case .allow(let tokens):
            let list = tokens.map { t in
                object([("location", quote(t.location?.method.rawValue ?? "")),
                        ("location_property", quote(t.location?.name ?? "")),
                        ("header", t.headerJSON), ("payload", t.payloadJSON),
                        ("signature", quote(t.signature)), ("verified", "true")])
            }
            return object([("decision", "\"allow\""), ("reason", "null"), ("http_status", "200"),
                           ("tokens", "[" + list.joined(separator: ",") + "]")])
        case .deny(let d):
            return denial(d)
        }
    }

    static func denial(_ d: Denial) -> String {
        object([("decision", "\"deny\""), ("reason", quote(d.reason.rawValue)), ("http_status", "\(d.httpStatus)"),
                ("www_authenticate", quote(d.reason.wwwAuthenticate)), ("detail", quote(d.detail))])
    }

    static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { "\(quote($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    /// A JSON string literal (RFC 8259 escaping): the mint's quoting, so there is one copy.
    static func quote(_ s: String) -> String { ClaimsSet.quote(s) }
}
