import JOSECrypto
import JWTValidation

/// Encrypted tokens (JWE) and nested JWTs: good ones under the `nested` and `encrypted`
/// policies, and one defect each. Nested cases exist for RS256 (inside RSA-OAEP-256) and ES256
/// (inside ECDH-ES+A256KW); non-nested ones, whose inner algorithm means nothing, for HS256.
extension VariantCatalog {
    static let nestedAlgorithms: @Sendable (JWSAlgorithm) -> Bool = { $0 == .rs256 || $0 == .es256 }
    static let onlyES256: @Sendable (JWSAlgorithm) -> Bool = { $0 == .es256 }
    static let plainAlgorithm: @Sendable (JWSAlgorithm) -> Bool = { $0 == .hs256 }

    /// The case's good JWS nested in the catalogue encryption for its algorithm.
    static func nested(_ c: inout MintContext, enc: JWEContentEncryption = .a256GCM, inner: String? = nil) throws -> String {
        let jws = try inner ?? c.token()
        return try CatalogEncryption.encrypt(
            jws, alg: CatalogEncryption.keyManagement(for: c.algorithm), enc: enc, nested: true, context: &c)
    }

    /// `token` with one bit of segment `index` flipped (`at`: the byte, from the end if negative).
    static func flip(_ token: String, segment index: Int, at byte: Int = 0) -> String {
        var p = parts(token)
        var bytes = Base64URL.decode(p[index]) ?? []
        guard !bytes.isEmpty else { return token }
        let i = byte >= 0 ? min(byte, bytes.count - 1) : bytes.count + byte
        bytes[i] ^= 0x01
        p[index] = Base64URL.encode(bytes)
        return p.joined(separator: ".")
    }

    static let encryptionVariants: [Variant] = [
        Variant("good-nested", "a signed token inside a JWE (cty JWT)", expect: .allow, policy: .nested, applies: nestedAlgorithms) { c in
            .token(try nested(&c))
        },
        Variant(
            "good-nested-cbc", "a nested token with A128CBC-HS256 content encryption", expect: .allow, policy: .nested,
            applies: nestedAlgorithms
        ) { c in
            .token(try nested(&c, enc: .a128CBCHS256))
        },
        Variant(
            "good-encrypted-dir", "claims encrypted with a shared key (dir, A256GCM)", expect: .allow, policy: .encrypted,
            applies: plainAlgorithm
        ) { c in
            .token(try CatalogEncryption.encrypt(c.claims().json, alg: .dir, nested: false, context: &c))
        },
        Variant(
            "good-encrypted-a256kw", "claims encrypted with a wrapped key (A256KW, A128CBC-HS256)", expect: .allow, policy: .encrypted,
            applies: plainAlgorithm
        ) { c in
            .token(try CatalogEncryption.encrypt(c.claims().json, alg: .a256KW, enc: .a128CBCHS256, nested: false, context: &c))
        },
        Variant(
            "jwe-wrong-key", "encrypted to another key under the configured kid", defect: "wrong recipient key",
            expect: .deny(.decryptionFailed), policy: .nested, applies: nestedAlgorithms
        ) { c in
            let other = try c.keySet.key(c.algorithm.keyType == "RSA" ? "attacker-rsa" : "attacker-ec256")
            let kid = c.algorithm.keyType == "RSA" ? "jwe-rsa-1" : "jwe-ec256-1"
            let jws = try c.token()
            return .token(
                try CatalogEncryption.encrypt(
                    jws, alg: CatalogEncryption.keyManagement(for: c.algorithm), nested: true, context: &c, recipient: other, kid: kid))
        },
        Variant(
            "jwe-tampered-tag", "a nested token with one bit of its tag flipped", defect: "tag changed", expect: .deny(.decryptionFailed),
            policy: .nested, applies: nestedAlgorithms
        ) { c in
            .token(flip(try nested(&c), segment: 4, at: -1))
        },
        Variant(
            "jwe-tampered-ciphertext", "a nested token with one bit of its ciphertext flipped", defect: "ciphertext changed",
            expect: .deny(.decryptionFailed), policy: .nested, applies: nestedAlgorithms
        ) { c in
            .token(flip(try nested(&c), segment: 3, at: 10))
        },
        Variant(
            "jwe-bad-epk", "an ECDH-ES ephemeral key that is not on P-256 (invalid-curve attack)", defect: "epk off the curve",
            expect: .deny(.decryptionFailed), policy: .nested, applies: onlyES256
        ) { c in
            let key = try CatalogEncryption.key("jwe-ec256-1")
            var y = Base64URL.decode(key.y ?? "") ?? []
            y[y.count - 1] ^= 0x01
            let jws = try c.token()
            return .token(
                try CatalogEncryption.encrypt(
                    jws, alg: .ecdhESA256KW, nested: true, context: &c, epk: (Base64URL.decode(key.x ?? "") ?? [], y)))
        },
        Variant(
            "jws-where-jwe-required", "a good signed token where nested JWTs are required", defect: "not encrypted",
            expect: .deny(.encryptionRequired), policy: .nested, applies: nestedAlgorithms
        ) { c in
            .token(try c.token())
        },
        Variant(
            "jwe-not-nested", "claims encrypted without a signed token inside, where nesting is required", defect: "not nested",
            expect: .deny(.encryptionRequired), policy: .nested, applies: nestedAlgorithms
        ) { c in
            let claims = c.claims().json
            return .token(
                try CatalogEncryption.encrypt(claims, alg: CatalogEncryption.keyManagement(for: c.algorithm), nested: false, context: &c))
        },
        Variant(
            "jwe-where-jws-only", "a good nested token where only signed tokens are accepted", defect: "encrypted",
            expect: .deny(.encryptionNotAllowed), applies: nestedAlgorithms
        ) { c in
            .token(try nested(&c))
        },
        Variant(
            "jwe-rsa1-5", "alg RSA1_5 (refused by design: a padding oracle)", defect: "alg RSA1_5", expect: .deny(.algorithmNotAllowed),
            policy: .nested, applies: nestedAlgorithms
        ) { c in
            let jws = try c.token()
            let good = try CatalogEncryption.encrypt(jws, alg: .rsaOAEP256, nested: true, context: &c)
            var p = parts(good)
            p[0] = Base64URL.encode(string: "{\"alg\":\"RSA1_5\",\"enc\":\"A256GCM\",\"kid\":\"jwe-rsa-1\",\"cty\":\"JWT\"}")
            return .token(p.joined(separator: "."))
        },
        Variant(
            "jwe-zip", "compressed content (zip DEF), refused by design", defect: "zip", expect: .deny(.algorithmNotAllowed),
            policy: .nested, applies: nestedAlgorithms
        ) { c in
            let jws = try c.token()
            return .token(
                try CatalogEncryption.encrypt(
                    jws, alg: CatalogEncryption.keyManagement(for: c.algorithm), nested: true, context: &c,
                    extraHeader: [("zip", "\"DEF\"")]))
        },
        Variant(
            "jwe-inner-expired", "a nested token whose inner token expired an hour ago", defect: "inner exp in the past",
            expect: .deny(.expired), policy: .nested, applies: nestedAlgorithms
        ) { c in
            let now = c.now
            let jws = try c.token { $0.set("exp", int: now - 3600) }
            return .token(try nested(&c, inner: jws))
        },
        Variant(
            "jwe-encrypted-expired", "encrypted claims (dir) that expired an hour ago", defect: "exp in the past", expect: .deny(.expired),
            policy: .encrypted, applies: plainAlgorithm
        ) { c in
            let now = c.now
            var claims = c.claims()
            claims.set("exp", int: now - 3600)
            return .token(try CatalogEncryption.encrypt(claims.json, alg: .dir, nested: false, context: &c))
        },
    ]
}
