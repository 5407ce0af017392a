import Foundation
import JOSECrypto

/// A key left out of a set, and why (logged; never fatal, since one bad key must not take the
/// good ones down).
public struct SkippedKey: Sendable, Hashable, CustomStringConvertible {
    /// The key's `kid`, when it had a readable one.
    public let kid: String?
    /// Why it was left out.
    public let reason: String

    /// A skipped key and the reason.
    public init(kid: String?, reason: String) {
        self.kid = kid
        self.reason = reason
    }

    /// `key "kid": reason`.
    public var description: String { "key \(kid.map { "\"\($0)\"" } ?? "(no kid)"): \(reason)" }
}

/// Reads a JWK Set (RFC 7517 section 5) key by key: the document must be a JSON object with a
/// `keys` array, but a malformed member of that array is skipped with a reason while the
/// others are kept.
public enum JWKSDocument {
    /// The keys read from a document and those left out.
    public struct Parsed: Sendable {
        /// Keys that passed the document checks (not yet fitted to algorithms).
        public var keys: [JWK]
        /// Members left out, with the reason.
        public var skipped: [SkippedKey]
    }

    /// Parses `data`. With `remote`, keys carrying private material (`d`, RSA primes) and
    /// `oct` keys are skipped: a JWKS served over HTTP is public, so a secret in it is known
    /// to anyone who fetched it and must never be trusted to verify anything.
    ///
    /// - Parameter maxKeys: a `keys` array longer than this is refused whole, before any key
    ///   is read.
    public static func parse(_ data: Data, remote: Bool, maxKeys: Int = .max) throws(KeySourceError) -> Parsed {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw KeySourceError(source: "", kind: .notJSON, message: "not JSON (\(String(describing: error).prefix(160)))")
        }
        guard let object = root as? [String: Any] else {
            throw KeySourceError(source: "", kind: .notAKeySet, message: "a JWK Set is a JSON object, found \(kind(root))")
        }
        guard let members = object["keys"] else {
            throw KeySourceError(source: "", kind: .notAKeySet, message: "no \"keys\" member")
        }
        guard let list = members as? [Any] else {
            throw KeySourceError(source: "", kind: .notAKeySet, message: "\"keys\" is \(kind(members)), not an array")
        }
        guard !list.isEmpty else { throw KeySourceError(source: "", kind: .notAKeySet, message: "\"keys\" is empty") }
        guard list.count <= maxKeys else {
            throw KeySourceError(
                source: "", kind: .tooManyKeys, message: "\(list.count) keys, more than the \(maxKeys) allowed (key_cache max_jwks_keys)")
        }
        var parsed = Parsed(keys: [], skipped: [])
        for (index, item) in list.enumerated() {
            guard let member = item as? [String: Any] else {
                parsed.skipped.append(SkippedKey(kid: nil, reason: "keys[\(index)] is \(kind(item)), not a JWK object"))
                continue
            }
            let kid = member["kid"] as? String
            do {
                let key = try jwk(from: member)
                if remote, let why = publicationProblem(key) {
                    parsed.skipped.append(SkippedKey(kid: kid, reason: why))
                    continue
                }
                parsed.keys.append(key)
            } catch {
                parsed.skipped.append(SkippedKey(kid: kid, reason: "keys[\(index)]: \(error.message)"))
            }
        }
        return parsed
    }

    /// Why a key must not appear in a public JWKS, or nil.
    static func publicationProblem(_ key: JWK) -> String? {
        if key.kty == "oct" {
            return "an oct (symmetric) key in a remote JWKS: a published secret verifies nothing"
        }
        if key.d != nil || key.p != nil || key.q != nil || key.dp != nil || key.dq != nil || key.qi != nil || key.k != nil {
            return "carries private key material in a remote JWKS: anyone could sign with it"
        }
        return nil
    }

    struct MemberError: Error {
        let message: String
    }

    /// Builds a JWK member by member, so the error names the member with the wrong type
    /// (JWK's Codable conformance would reject the whole set at once).
    static func jwk(from member: [String: Any]) throws(MemberError) -> JWK {
        func string(_ name: String) throws(MemberError) -> String? {
            guard let value = member[name] else { return nil }
            guard let text = value as? String else { throw MemberError(message: "\"\(name)\" is \(kind(value)), not a string") }
            return text
        }
        guard let kty = try string("kty") else { throw MemberError(message: "no \"kty\"") }
        var keyOps: [String]?
        if let ops = member["key_ops"] {
            guard let list = ops as? [Any], let names = list as? [String] else {
                throw MemberError(message: "\"key_ops\" is not an array of strings")
            }
            keyOps = names
        }
        return JWK(
            kty: kty, kid: try string("kid"), alg: try string("alg"), use: try string("use"), keyOps: keyOps,
            crv: try string("crv"), x: try string("x"), y: try string("y"), d: try string("d"), n: try string("n"),
            e: try string("e"), p: try string("p"), q: try string("q"), dp: try string("dp"), dq: try string("dq"),
            qi: try string("qi"), k: try string("k"))
    }

    static func kind(_ value: Any) -> String {
        switch value {
        case is String: return "a string"
        case is NSNull: return "null"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        case is NSNumber: return "a number or boolean"
        default: return "\(type(of: value))"
        }
    }
}

/// HTTP header rules for key-set responses.
public enum KeySetHTTP {
    /// Whether a `Content-Type` is JSON: `application/json`, or any `application/*+json`
    /// (`jwk-set+json`, `jrd+json`), parameters ignored.
    public static func isJSON(contentType: String?) -> Bool {
        guard let contentType else { return false }
        let media =
            contentType.split(separator: ";", maxSplits: 1).first.map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            } ?? ""
        return media == "application/json" || (media.hasPrefix("application/") && media.hasSuffix("+json"))
    }

    /// The freshness lifetime a `Cache-Control` value grants: `max-age` in seconds (the
    /// smallest, when repeated), zero for `no-store` or `no-cache`, nil when it says nothing
    /// usable. The caller bounds it (`KeyCacheStrategy.timeToLive`).
    public static func maxAge(cacheControl values: [String]) -> Duration? {
        var result: Duration?
        for value in values {
            for directive in value.split(separator: ",") {
                let parts = directive.split(separator: "=", maxSplits: 1)
                let name = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
                switch name {
                case "no-store", "no-cache":
                    result = .zero
                case "max-age":
                    guard parts.count == 2 else { continue }
                    let raw = parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                    // Digits only (RFC 9111 delta-seconds); anything else is ignored, not guessed.
                    guard !raw.isEmpty, raw.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { continue }
                    let seconds = Int64(raw.prefix(10)) ?? 0
                    let age = Duration.seconds(seconds)
                    result = min(result ?? age, age)
                default:
                    continue
                }
            }
        }
        return result
    }
}
