import JWTValidation

/// A JWT claims set as an ordered list of members with raw JSON values, so variants can plant
/// exactly the bytes they mean (a string `exp`, `1e400`, a duplicate member, an escape).
public struct ClaimsSet: Sendable {
    public var members: [(name: String, json: String)]

    public init(members: [(name: String, json: String)] = []) { self.members = members }

    /// Replaces the member's value, or appends it.
    public mutating func set(_ name: String, json: String) {
        if let i = members.firstIndex(where: { $0.name == name }) {
            members[i].json = json
        } else {
            members.append((name, json))
        }
    }

    public mutating func set(_ name: String, string: String) { set(name, json: Self.quote(string)) }
    public mutating func set(_ name: String, int: Int64) { set(name, json: String(int)) }

    public mutating func remove(_ name: String) { members.removeAll { $0.name == name } }

    /// Appends a second member with an existing name (a duplicate claim).
    public mutating func appendDuplicate(_ name: String, json: String) { members.append((name, json)) }

    public var json: String {
        "{" + members.map { Self.quote($0.name) + ":" + $0.json }.joined(separator: ",") + "}"
    }

    /// A JSON string literal (`JSONString.quote`, the project's one escaper).
    public static func quote(_ s: String) -> String { JSONString.quote(s) }

    static func array(_ items: [String]) -> String { "[" + items.map(quote).joined(separator: ",") + "]" }
}

/// Realistic claims sets in three sizes, shaped like Auth0/Okta access tokens.
public enum ClaimsTemplate {
    /// The catalogue's issuer and audience (the stated policy allows exactly these).
    public static let issuer = "https://issuer.jwtbench.test/"
    public static let audience = "https://api.jwtbench.test"

    /// A good claims set of `size`, valid from `now - 60` for an hour, with ids from `rng`.
    public static func make(_ size: SizeClass, now: Int64, rng: inout MintRandom) -> ClaimsSet {
        var c = ClaimsSet()
        let user = "auth0|" + rng.hex(24)
        switch size {
        case .small:
            c.set("iss", string: issuer)
            c.set("sub", string: user)
            c.set("aud", string: audience)
            c.set("iat", int: now - 60)
            c.set("exp", int: now + 3600)
        case .typical, .large:
            c.set("iss", string: issuer)
            c.set("sub", string: user)
            c.set("aud", json: ClaimsSet.array([audience, issuer + "userinfo"]))
            c.set("iat", int: now - 60)
            c.set("nbf", int: now - 60)
            c.set("exp", int: now + 3600)
            c.set("azp", string: rng.hex(32))
            c.set("scope", string: "openid profile email read:orders write:orders read:invoices")
            c.set("gty", string: "client-credentials")
            c.set(
                "permissions", json: ClaimsSet.array(["read:orders", "write:orders", "read:invoices", "read:customers", "write:customers"]))
            c.set("org_id", string: "org_" + rng.hex(12))
            c.set("https://jwtbench.test/roles", json: ClaimsSet.array(["admin", "billing"]))
            c.set("jti", string: "\(rng.hex(8))-\(rng.hex(4))-\(rng.hex(4))-\(rng.hex(4))-\(rng.hex(12))")
            if size == .large {
                let roles = (0..<52).map { "role:\(["read", "write", "admin", "audit"][$0 % 4]):\(rng.hex(6))" }
                let groups = (0..<60).map { "grp-\(rng.hex(8))-engineering-platform-\($0)" }
                c.set("roles", json: ClaimsSet.array(roles))
                c.set("groups", json: ClaimsSet.array(groups))
                c.set(
                    "https://jwtbench.test/profile",
                    json:
                        "{\"given_name\":\"Ada\",\"family_name\":\"Lovelace\",\"locale\":\"en-GB\",\"zoneinfo\":\"Europe/London\",\"email_verified\":true}"
                )
            }
        }
        return c
    }
}
