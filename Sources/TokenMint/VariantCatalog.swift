import JOSECrypto
import JWTValidation
import Policy

/// The catalogue of good and bad tokens. Every variant plants one defect (or none) into an
/// otherwise good token, so its expected reason is the only one that can apply.
public enum VariantCatalog {
    /// Every variant, good ones first.
    public static let all: [Variant] =
        good + claimDefects + signatureDefects + headerDefects + encodingDefects + requestDefects + revocationDefects
        + encryptionVariants

    public static func variant(_ id: String) -> Variant? { all.first { $0.id == id } }

    // MARK: predicates

    static let rsaFamily: @Sendable (JWSAlgorithm) -> Bool = { $0.family == .rsaPKCS1 || $0.family == .rsaPSS }
    static let ecdsa: @Sendable (JWSAlgorithm) -> Bool = { if case .ecdsa = $0.family { return true } else { return false } }
    static let hasRotationKey: @Sendable (JWSAlgorithm) -> Bool = { TestKeySet.rotationName(for: $0) != nil }
    static let hasSibling: @Sendable (JWSAlgorithm) -> Bool = { sibling($0) != nil }

    /// A pinned key of the same key type whose `alg` is different (for alg/key mismatches).
    static func sibling(_ a: JWSAlgorithm) -> String? {
        switch a {
        case .rs256: return "rs384-1"
        case .rs384: return "rs512-1"
        case .rs512: return "rs256-1"
        case .ps256: return "rs256-1"
        case .ps384: return "rs384-1"
        case .ps512: return "rs512-1"
        case .hs256: return "hs384-1"
        case .hs384: return "hs512-1"
        case .hs512: return "hs256-1"
        case .es256: return "es384-1"
        case .es384: return "es512-1"
        case .es512: return "es256-1"
        case .edDSA, .ed25519: return nil
        }
    }

    /// A kid of a key of another type.
    static func otherTypeKid(_ a: JWSAlgorithm) -> String {
        a.family == .rsaPKCS1 || a.family == .rsaPSS ? "es256-1" : "rs256-1"
    }

    static func parts(_ token: String) -> [String] {
        token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    // MARK: good

    static let good: [Variant] = [
        Variant("good-plain", "a valid token for the algorithm and size", expect: .allow) { c in .token(try c.token()) },
        Variant("good-aud-array", "aud is an array holding the allowed audience among others", expect: .allow) { c in
            .token(try c.token { $0.set("aud", json: ClaimsSet.array(["https://other.jwtbench.test", ClaimsTemplate.audience])) })
        },
        Variant("good-no-kid", "no kid: every trusted key that fits the algorithm is tried", expect: .allow) { c in
            .token(try c.token(header: c.header(kid: .some(nil))))
        },
        Variant("good-second-key", "signed with the second (rotation) key of the set", expect: .allow, applies: hasRotationKey) { c in
            let name = TestKeySet.rotationName(for: c.algorithm)!
            return .token(try c.token(header: c.header(kid: name), key: name))
        },
        Variant("good-within-leeway", "expired 20 s ago, inside a 60 s leeway", expect: .allow, policy: .leeway60) { c in
            let now = c.now
            return .token(try c.token { $0.set("exp", int: now - 20) })
        },
        Variant("good-nbf-now", "nbf equal to now", expect: .allow) { c in
            let now = c.now
            return .token(try c.token { $0.set("nbf", int: now) })
        },
        Variant("good-escaped-issuer", "iss written with JSON escapes (\\/), equal after unescaping", expect: .allow) { c in
            .token(try c.token { $0.set("iss", json: "\"https:\\/\\/issuer.jwtbench.test\\/\"") })
        },
        Variant("good-at-jwt", "an at+jwt access token under a policy that requires that type", expect: .allow, policy: .accessToken) { c in
            .token(try c.token(header: c.header(typ: "at+jwt")))
        },
    ]

    // MARK: claims

    static let claimDefects: [Variant] = [
        Variant("expired", "expired an hour ago", defect: "exp in the past", expect: .deny(.expired)) { c in
            let now = c.now
            return .token(try c.token { $0.set("exp", int: now - 3600) })
        },
        Variant("expired-1s", "expired one second ago", defect: "exp = now - 1", expect: .deny(.expired)) { c in
            let now = c.now
            return .token(try c.token { $0.set("exp", int: now - 1) })
        },
        Variant("expired-at-now", "exp equal to now (RFC 7519: now must be before exp)", defect: "exp = now", expect: .deny(.expired)) {
            c in
            let now = c.now
            return .token(try c.token { $0.set("exp", int: now) })
        },
        Variant(
            "expired-beyond-leeway", "expired 61 s ago under a 60 s leeway", defect: "exp = now - 61", expect: .deny(.expired),
            policy: .leeway60
        ) { c in
            let now = c.now
            return .token(try c.token { $0.set("exp", int: now - 61) })
        },
        Variant("nbf-future", "not valid for another hour", defect: "nbf in the future", expect: .deny(.notYetValid)) { c in
            let now = c.now
            return .token(try c.token { $0.set("nbf", int: now + 3600) })
        },
        Variant("iss-wrong", "issued by another issuer", defect: "iss not allowed", expect: .deny(.issuerNotAllowed)) { c in
            .token(try c.token { $0.set("iss", string: "https://evil.jwtbench.test/") })
        },
        Variant(
            "iss-no-trailing-slash", "issuer without its trailing slash", defect: "iss differs by a slash", expect: .deny(.issuerNotAllowed)
        ) { c in
            .token(try c.token { $0.set("iss", string: "https://issuer.jwtbench.test") })
        },
        Variant("iss-case", "issuer in other case", defect: "iss differs in case", expect: .deny(.issuerNotAllowed)) { c in
            .token(try c.token { $0.set("iss", string: "https://ISSUER.jwtbench.test/") })
        },
        Variant("iss-missing", "no iss claim", defect: "iss absent", expect: .deny(.issuerNotAllowed)) { c in
            .token(try c.token { $0.remove("iss") })
        },
        Variant("aud-wrong", "meant for another audience", defect: "aud not allowed", expect: .deny(.audienceNotAllowed)) { c in
            .token(try c.token { $0.set("aud", string: "https://other.jwtbench.test") })
        },
        Variant("aud-missing", "no aud claim", defect: "aud absent", expect: .deny(.audienceNotAllowed)) { c in
            .token(try c.token { $0.remove("aud") })
        },
        Variant(
            "aud-array-no-match", "aud array without the allowed audience", defect: "no aud matches", expect: .deny(.audienceNotAllowed)
        ) { c in
            .token(try c.token { $0.set("aud", json: ClaimsSet.array(["https://a.jwtbench.test", "https://b.jwtbench.test"])) })
        },
        Variant(
            "exp-missing-required", "no exp under a policy that requires one", defect: "exp absent", expect: .deny(.claimsInvalid),
            policy: .requireExpiration
        ) { c in
            .token(try c.token { $0.remove("exp") })
        },
        Variant("exp-string", "exp as a string", defect: "exp of the wrong type", expect: .deny(.claimsInvalid)) { c in
            let now = c.now
            return .token(try c.token { $0.set("exp", json: "\"\(now + 3600)\"") })
        },
        Variant("exp-1e400", "exp of 1e400", defect: "exp not an integer in range", expect: .deny(.claimsInvalid)) { c in
            .token(try c.token { $0.set("exp", json: "1e400") })
        },
        Variant("nbf-string", "nbf as a string", defect: "nbf of the wrong type", expect: .deny(.claimsInvalid)) { c in
            .token(try c.token { $0.set("nbf", json: "\"yesterday\"") })
        },
        Variant("iat-string", "iat as a string", defect: "iat of the wrong type", expect: .deny(.claimsInvalid)) { c in
            .token(try c.token { $0.set("iat", json: "\"now\"") })
        },
        Variant("aud-number", "aud as a number", defect: "aud of the wrong type", expect: .deny(.claimsInvalid)) { c in
            .token(try c.token { $0.set("aud", json: "42") })
        },
        Variant(
            "lifetime-too-long", "valid for a day under a one-hour lifetime cap", defect: "exp - iat = 86400",
            expect: .deny(.lifetimeTooLong), policy: .maxLifetime
        ) { c in
            let now = c.now
            return .token(
                try c.token {
                    $0.set("iat", int: now - 60)
                    $0.set("exp", int: now + 86_340)
                })
        },
        Variant("oversized", "a token of about 20 KiB (claims padded)", defect: "token over 16 KiB", expect: .deny(.tokenTooLarge)) { c in
            .token(try c.token { $0.set("padding", string: String(repeating: "x", count: 15_000)) })
        },
    ]

    // MARK: keys and signatures

    static let signatureDefects: [Variant] = [
        Variant("sig-bitflip", "one bit of the signature flipped", defect: "signature changed", expect: .deny(.signatureInvalid)) { c in
            let p = parts(try c.token())
            var sig = Base64URL.decode(p[2])!
            sig[sig.count / 2] ^= 0x10
            return .token(p[0] + "." + p[1] + "." + Base64URL.encode(sig))
        },
        Variant("sig-truncated", "signature missing its last 8 bytes", defect: "signature truncated", expect: .deny(.signatureInvalid)) {
            c in
            let p = parts(try c.token())
            return .token(p[0] + "." + p[1] + "." + Base64URL.encode(Base64URL.decode(p[2])!.dropLast(8)))
        },
        Variant("sig-empty", "empty signature segment", defect: "signature absent", expect: .deny(.tokenMalformed)) { c in
            let p = parts(try c.token())
            return .token(p[0] + "." + p[1] + ".")
        },
        Variant(
            "sig-other-key-same-kid", "signed by an attacker key that claims the real kid", defect: "wrong key",
            expect: .deny(.signatureInvalid)
        ) { c in
            .token(try c.token(key: TestKeySet.attackerName(for: c.algorithm)))
        },
        Variant(
            "sig-payload-swapped", "claims changed after signing", defect: "payload not covered by the signature",
            expect: .deny(.signatureInvalid)
        ) { c in
            let p = parts(try c.token())
            var other = c.claims()
            other.set("sub", string: "admin")
            return .token(p[0] + "." + Base64URL.encode(string: other.json) + "." + p[2])
        },
        Variant("kid-unknown", "a kid no trusted key has", defect: "unknown kid", expect: .deny(.keyNotFound)) { c in
            .token(try c.token(header: c.header(kid: "rotated-away-2019")))
        },
        Variant("kid-other-type", "kid of a trusted key of another type", defect: "kid names an unfit key", expect: .deny(.keyNotFound)) {
            c in
            .token(try c.token(header: c.header(kid: otherTypeKid(c.algorithm))))
        },
        Variant(
            "alg-key-mismatch", "kid of a key pinned to another algorithm of the same type", defect: "alg does not fit the key",
            expect: .deny(.keyNotFound), applies: hasSibling
        ) { c in
            // Signed by the sibling under its own algorithm: the header claims another one.
            let sibling = sibling(c.algorithm)!
            let siblingAlgorithm = TestKeySet.layout.first { $0.name == sibling }!.algorithm
            return .token(try c.sign(header: c.header(kid: sibling), payload: c.claims().json, key: sibling, algorithm: siblingAlgorithm))
        },
        Variant(
            "hs256-with-rsa-public-key", "HS256 token MACed with the RSA public key as the secret, naming the RSA kid",
            defect: "key confusion", expect: .deny(.keyNotFound), applies: rsaFamily
        ) { c in
            let name = c.keyName
            let secret = Array(try c.keySet.key(name).publicKey.jsonString().utf8)
            let signer = try c.signers.hmacSigner(secret: secret, algorithm: .hs256)
            return .token(try CompactJWS.sign(header: c.header(alg: "HS256", kid: name), payload: c.claims().json, with: signer))
        },
        Variant("ecdsa-zero", "ECDSA signature with r = s = 0", defect: "r = s = 0", expect: .deny(.signatureInvalid), applies: ecdsa) {
            c in
            let p = parts(try c.token())
            return .token(p[0] + "." + p[1] + "." + Base64URL.encode([UInt8](repeating: 0, count: Base64URL.decode(p[2])!.count)))
        },
        Variant(
            "ecdsa-der", "the right ECDSA signature, DER-encoded instead of raw r||s", defect: "DER signature",
            expect: .deny(.signatureInvalid), applies: ecdsa
        ) { c in
            let p = parts(try c.token())
            let raw = Base64URL.decode(p[2])!
            return .token(p[0] + "." + p[1] + "." + Base64URL.encode(derECDSA(raw)))
        },
        Variant(
            "keys-unavailable", "a good token while no key set can be had", defect: "key source down", expect: .deny(.keysUnavailable),
            keys: .unavailable
        ) { c in
            .token(try c.token())
        },
    ]

    /// DER `ECDSA-Sig-Value` of raw r||s.
    static func derECDSA(_ raw: [UInt8]) -> [UInt8] {
        func integer(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            var v = Array(bytes.drop { $0 == 0 })
            if v.isEmpty || v[0] & 0x80 != 0 { v.insert(0, at: 0) }
            return [0x02, UInt8(v.count)] + v
        }
        let half = raw.count / 2
        let body = integer(raw[0..<half]) + integer(raw[half...])
        return body.count < 128 ? [0x30, UInt8(body.count)] + body : [0x30, 0x81, UInt8(body.count)] + body
    }

    // MARK: header

    static let headerDefects: [Variant] = [
        Variant("alg-none-lower", "alg \"none\", no signature", defect: "unsecured JWS", expect: .deny(.algorithmNotAllowed)) { c in
            let cl = c.claims()
            return .token(Base64URL.encode(string: c.header(alg: "none", kid: .some(nil))) + "." + Base64URL.encode(string: cl.json) + ".")
        },
        Variant("alg-none-title", "alg \"None\", no signature", defect: "unsecured JWS", expect: .deny(.algorithmNotAllowed)) { c in
            let cl = c.claims()
            return .token(Base64URL.encode(string: c.header(alg: "None", kid: .some(nil))) + "." + Base64URL.encode(string: cl.json) + ".")
        },
        Variant("alg-none-upper", "alg \"NONE\" with a bogus signature", defect: "unsecured JWS", expect: .deny(.algorithmNotAllowed)) {
            c in
            let cl = c.claims()
            return .token(
                Base64URL.encode(string: c.header(alg: "NONE", kid: .some(nil))) + "." + Base64URL.encode(string: cl.json) + ".c2ln")
        },
        Variant(
            "alg-not-allowed", "a good signature under an algorithm the policy does not allow", defect: "alg outside the allow list",
            expect: .deny(.algorithmNotAllowed), policy: .eddsaOnly, applies: { $0.family != .eddsa },
            build: { c in .token(try c.token()) }
        ),
        Variant("alg-unknown", "alg \"RS1\", which no JWA registry defines", defect: "unknown alg", expect: .deny(.algorithmNotAllowed)) {
            c in
            .token(try c.token(header: c.header(alg: "RS1")))
        },
        Variant(
            "header-jwk", "attacker-signed, with the attacker's public key embedded as jwk", defect: "key from the token",
            expect: .deny(.signatureInvalid)
        ) { c in
            let attacker = TestKeySet.attackerName(for: c.algorithm)
            let jwk = try c.keySet.key(attacker)
            let embedded = (jwk.kty == "oct" ? jwk : jwk.publicKey).jsonString()
            return .token(try c.token(header: c.header(kid: .some(nil), extra: "\"jwk\":\(embedded)"), key: attacker))
        },
        Variant(
            "header-jku", "attacker-signed, pointing jku at the attacker's JWKS", defect: "key URL from the token",
            expect: .deny(.signatureInvalid)
        ) { c in try attackerSigned(&c, pointing: "jku", at: "https://attacker.jwtbench.test/jwks.json") },
        Variant(
            "header-x5u", "attacker-signed, pointing x5u at the attacker's certificate", defect: "certificate URL from the token",
            expect: .deny(.signatureInvalid)
        ) { c in try attackerSigned(&c, pointing: "x5u", at: "https://attacker.jwtbench.test/cert.pem") },
        Variant(
            "crit-unknown", "crit lists an extension the validator does not know", defect: "unknown critical header",
            expect: .deny(.critUnsupported)
        ) { c in
            .token(
                try c.token(header: c.header(extra: "\"crit\":[\"urn:jwtbench:must-understand\"],\"urn:jwtbench:must-understand\":true")))
        },
        Variant("b64-false", "RFC 7797 unencoded payload (b64: false)", defect: "b64 false", expect: .deny(.critUnsupported)) { c in
            .token(try c.token(header: c.header(extra: "\"b64\":false,\"crit\":[\"b64\"]")))
        },
        Variant("dup-header-alg", "alg appears twice in the header", defect: "duplicate header member", expect: .deny(.tokenMalformed)) {
            c in
            .token(try c.token(header: c.header(extra: "\"alg\":\"none\"")))
        },
        Variant(
            "dup-header-escaped", "alg appears twice, once spelled \\u0061lg", defect: "duplicate header member via escape",
            expect: .deny(.tokenMalformed)
        ) { c in
            .token(try c.token(header: c.header(extra: "\"\\u0061lg\":\"none\"")))
        },
        Variant("header-not-json", "the header is not JSON", defect: "non-JSON header", expect: .deny(.tokenMalformed)) { c in
            .token(try c.sign(header: "alg=\(c.algorithm.rawValue)", payload: c.claims().json))
        },
        Variant(
            "typ-mismatch", "a plain JWT where the policy requires at+jwt", defect: "typ JWT, not at+jwt", expect: .deny(.typeMismatch),
            policy: .accessToken
        ) { c in
            .token(try c.token())
        },
        Variant("dup-claim", "sub appears twice in the claims", defect: "duplicate claim", expect: .deny(.tokenMalformed)) { c in
            .token(try c.token { $0.appendDuplicate("sub", json: "\"admin\"") })
        },
    ]

    /// A token signed with the attacker's key whose header points `member` (`jku`, `x5u`) at
    /// the attacker's `url`: a validator that fetched keys named by the token would accept it.
    static func attackerSigned(_ c: inout MintContext, pointing member: String, at url: String) throws -> CaseInput {
        .token(
            try c.token(
                header: c.header(kid: .some(nil), extra: "\"\(member)\":\"\(url)\""), key: TestKeySet.attackerName(for: c.algorithm)))
    }

    // MARK: encoding and structure

    static let encodingDefects: [Variant] = [
        Variant("b64-padded", "header segment with '=' padding", defect: "padded base64url", expect: .deny(.tokenMalformed)) { c in
            // Whitespace after the JSON object keeps the header valid and makes its encoding need padding.
            var h = c.header()
            while h.utf8.count % 3 == 0 { h += " " }
            let p = parts(try c.sign(header: h, payload: c.claims().json))
            return .token(p[0] + String(repeating: "=", count: (4 - p[0].count % 4) % 4) + "." + p[1] + "." + p[2])
        },
        Variant(
            "b64-std-alphabet", "signature in standard base64 ('+' and '/')", defect: "'+' and '/' in base64url",
            expect: .deny(.tokenMalformed)
        ) { c in
            let p = parts(try c.token())
            var sig = Array(p[2])
            sig[0] = "+"
            sig[sig.count / 2] = "/"
            return .token(p[0] + "." + p[1] + "." + String(sig))
        },
        Variant(
            "b64-noncanonical", "payload segment with non-zero trailing bits", defect: "non-canonical base64url",
            expect: .deny(.tokenMalformed)
        ) { c in
            var cl = c.claims()
            // Make the payload's length leave spare bits in its last character.
            while cl.json.utf8.count % 3 == 0 { cl.set("pad", string: String(repeating: "p", count: (cl.members.count % 2) + 1)) }
            let p = parts(try c.sign(header: c.header(), payload: cl.json))
            var payload = Array(p[1])
            let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
            let last = alphabet.firstIndex(of: payload[payload.count - 1])!
            payload[payload.count - 1] = alphabet[last | 1]
            return .token(p[0] + "." + String(payload) + "." + p[2])
        },
        Variant("segments-two", "only header and payload", defect: "two segments", expect: .deny(.tokenMalformed)) { c in
            let p = parts(try c.token())
            return .token(p[0] + "." + p[1])
        },
        Variant("segments-four", "a fourth segment appended", defect: "four segments", expect: .deny(.tokenMalformed)) { c in
            .token(try c.token() + ".AAAA")
        },
        Variant("trailing-dot", "a dot after the signature", defect: "trailing dot", expect: .deny(.tokenMalformed)) { c in
            .token(try c.token() + ".")
        },
        Variant("whitespace-inside", "a space after the first dot", defect: "whitespace", expect: .deny(.tokenMalformed)) { c in
            let p = parts(try c.token())
            return .token(p[0] + ". " + p[1] + "." + p[2])
        },
        Variant("jwe-shape", "a five-segment JWE", defect: "encrypted token", expect: .deny(.encryptionNotAllowed)) { c in
            var rng = c.rng
            let protected = Base64URL.encode(string: "{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\"}")
            return .token([protected, rng.hex(40), rng.hex(16), rng.hex(60), rng.hex(22)].joined(separator: "."))
        },
    ]

    // MARK: requests

    static let requestDefects: [Variant] = [
        Variant("request-good", "a good token in the Authorization header", expect: .allow) { c in
            .request(HTTPRequest(method: "GET", headers: [HTTPHeader("Authorization", "Bearer " + (try c.token()))]))
        },
        Variant("token-twice", "the configured header carries a token twice", defect: "token present twice", expect: .deny(.tokenAmbiguous))
        { c in
            let t = try c.token()
            return .request(
                HTTPRequest(
                    method: "GET", headers: [HTTPHeader("Authorization", "Bearer " + t), HTTPHeader("Authorization", "Bearer " + t)]))
        },
        Variant("token-missing", "no Authorization header", defect: "token absent", expect: .deny(.tokenMissing)) { _ in
            .request(HTTPRequest(method: "GET", headers: [HTTPHeader("Accept", "application/json")]))
        },
        Variant(
            "body-token-on-get", "a body token on a GET request", defect: "body token on GET", expect: .deny(.requestUnsupported),
            policy: .bodyToken
        ) { c in
            let body = "{\"access_token\":\"\(try c.token())\"}"
            return .request(HTTPRequest(method: "GET", headers: [HTTPHeader("Content-Type", "application/json")], body: Array(body.utf8)))
        },
        Variant("body-token-post", "a good body token in a JSON POST", expect: .allow, policy: .bodyToken) { c in
            let body = "{\"access_token\":\"\(try c.token())\",\"query\":\"x\"}"
            return .request(HTTPRequest(method: "POST", headers: [HTTPHeader("Content-Type", "application/json")], body: Array(body.utf8)))
        },
    ]

    // MARK: revocation

    /// Good tokens on the `revoked` policy's denylist (`CatalogRevocation`): the signature and
    /// every claim pass, so `revoked` is the only reason that can apply.
    static let revocationDefects: [Variant] = [
        Variant(
            "revoked-jti", "a good token whose jti is on the policy's denylist", defect: "jti revoked", expect: .deny(.revoked),
            policy: .revoked
        ) { c in
            .token(try c.token { $0.set("jti", string: CatalogRevocation.jti) })
        },
        Variant(
            "revoked-token-hash", "a good token without jti whose SHA-256 is on the policy's denylist", defect: "token revoked by hash",
            expect: .deny(.revoked), policy: .revoked
        ) { c in
            .token(try c.token { $0.remove("jti") })
        },
        Variant(
            "good-jti-not-revoked", "a good token under the denylist policy whose jti is not listed", expect: .allow,
            policy: .revoked
        ) { c in
            .token(try c.token { $0.set("jti", string: "jwtbench-catalogue-live-jti") })
        },
    ]
}
