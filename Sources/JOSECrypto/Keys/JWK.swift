import Foundation

/// A JSON Web Key (RFC 7517), public or private, as its members appear on the wire.
///
/// Members stay base64url strings here; a backend decodes them when it builds its own key
/// object, once per key-set refresh. Unknown members are ignored.
public struct JWK: Codable, Sendable, Hashable {
    public var kty: String
    public var kid: String?
    public var alg: String?
    public var use: String?
    public var keyOps: [String]?
    public var crv: String?
    public var x: String?
    public var y: String?
    public var d: String?
    public var n: String?
    public var e: String?
    public var p: String?
    public var q: String?
    public var dp: String?
    public var dq: String?
    public var qi: String?
    public var k: String?

    enum CodingKeys: String, CodingKey {
        case kty, kid, alg, use, crv, x, y, d, n, e, p, q, dp, dq, qi, k
        case keyOps = "key_ops"
    }

    public init(
        kty: String, kid: String? = nil, alg: String? = nil, use: String? = nil, keyOps: [String]? = nil,
        crv: String? = nil, x: String? = nil, y: String? = nil, d: String? = nil, n: String? = nil,
        e: String? = nil, p: String? = nil, q: String? = nil, dp: String? = nil, dq: String? = nil,
        qi: String? = nil, k: String? = nil
    ) {
        self.kty = kty
        self.kid = kid
        self.alg = alg
        self.use = use
        self.keyOps = keyOps
        self.crv = crv
        self.x = x
        self.y = y
        self.d = d
        self.n = n
        self.e = e
        self.p = p
        self.q = q
        self.dp = dp
        self.dq = dq
        self.qi = qi
        self.k = k
    }

    /// Parses one JWK from JSON text.
    public init(json: String) throws {
        do {
            self = try JSONDecoder().decode(JWK.self, from: Data(json.utf8))
        } catch {
            throw JOSECryptoError.invalidKey("not a JWK JSON object: \(error)")
        }
    }

    /// Whether this JWK carries private material (`d` for RSA/EC/OKP, `k` for oct).
    public var isPrivate: Bool { d != nil || k != nil }

    /// The public half (for `oct` keys there is none: the secret itself is returned).
    public var publicKey: JWK {
        var pub = self
        pub.d = nil
        pub.p = nil
        pub.q = nil
        pub.dp = nil
        pub.dq = nil
        pub.qi = nil
        return pub
    }

    /// Compact JSON with sorted keys, so the same key always serialises the same way.
    public func jsonString() -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a struct of optional strings cannot fail.
        return String(decoding: (try? enc.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// The named member decoded from base64url, or an error naming the member.
    public func decoded(_ member: String, _ value: String?) throws -> [UInt8] {
        guard let value else { throw JOSECryptoError.invalidKey("\(kty) key without \"\(member)\"") }
        guard let bytes = Base64URL.decode(value) else {
            throw JOSECryptoError.invalidKey("\"\(member)\" is not base64url")
        }
        return bytes
    }
}

/// A JWK Set (RFC 7517 section 5).
public struct JWKSet: Codable, Sendable, Hashable {
    public var keys: [JWK]

    public init(keys: [JWK]) { self.keys = keys }

    /// Parses a JWK Set; a document without a `keys` array is an error.
    public init(json: String) throws {
        try self.init(data: Data(json.utf8))
    }

    public init(data: Data) throws {
        do {
            self = try JSONDecoder().decode(JWKSet.self, from: data)
        } catch {
            throw JOSECryptoError.invalidKey("not a JWK Set (an object with a \"keys\" array): \(error)")
        }
    }

    public func jsonString() -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? enc.encode(self)) ?? Data(), as: UTF8.self)
    }
}
