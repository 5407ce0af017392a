import JOSECrypto
import Testing

@_spi(Testing) @testable import JWTValidation

/// One test per reason code (and the attack classes of docs/ARCHITECTURE.md, Security rules), each with a token
/// that has exactly one defect.
@Suite struct ValidatorTests {
    typealias F = Fixtures

    @Test(arguments: [JWSAlgorithm.rs256, .es256, .edDSA, .hs256, .es384, .ps256])
    func goodTokensAreAllowed(_ alg: JWSAlgorithm) throws {
        let token = F.token(alg)
        let decision = F.validator().validate(token: token, now: F.now)
        guard case .allow(let verified) = decision else {
            Issue.record("expected allow, got \(decision)")
            return
        }
        #expect(verified.algorithm == alg)
        // ES256 keys get their CP256 table in the background after 8 verifications (other
        // tests share the key), so either path may have served this one.
        #expect(alg == .es256 ? ["openssl", "cp256"].contains(verified.backend) : verified.backend == "openssl", "\(verified.backend)")
        #expect(verified.expiresAt == F.now + 600)
        #expect(verified.payload["sub"] as? String == "user-42")
        #expect(decision.httpStatus == 200)
    }

    @Test func tokenWithoutKidTriesEveryFittingKey() {
        #expect(F.reason(F.token(.rs256, kid: .some(nil))) == nil)
        #expect(F.reason(F.token(.es256, kid: .some(nil))) == nil)
    }

    // MARK: size and structure

    @Test func oversizedTokenIsRefusedBeforeParsing() {
        let huge = String(repeating: "A", count: 1 << 20)
        #expect(F.reason(huge + "." + huge + "." + huge) == .tokenTooLarge)
        #expect(F.reason(String(repeating: ".", count: 20_000)) == .tokenTooLarge)
    }

    @Test(arguments: [
        ("trailing dot", "TOKEN."),
        ("leading dot", ".TOKEN"),
        ("two segments", "TWO"),
        ("four segments", "TOKEN.AAAA"),
        ("empty", ""),
        ("whitespace inside", "SPACE"),
    ])
    func structuralDefectsAreMalformed(_ name: String, _ shape: String) {
        let good = F.token()
        let parts = good.split(separator: ".").map(String.init)
        let token: String
        switch shape {
        case "TOKEN.": token = good + "."
        case ".TOKEN": token = "." + good
        case "TWO": token = parts[0] + "." + parts[1]
        case "TOKEN.AAAA": token = good + ".AAAA"
        case "SPACE": token = parts[0] + ". " + parts[1] + "." + parts[2]
        default: token = shape
        }
        #expect(F.reason(token) == .tokenMalformed, "\(name)")
    }

    @Test func aJWEWhereOnlyJWSIsAllowedIsItsOwnReason() {
        #expect(F.reason("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d") == .encryptionNotAllowed)
    }

    @Test func nonCanonicalBase64URLIsMalformed() {
        let good = F.token()
        var parts = good.split(separator: ".").map(String.init)
        // Padding on the header.
        let padded = parts[0] + String(repeating: "=", count: (4 - parts[0].count % 4) % 4 == 0 ? 1 : (4 - parts[0].count % 4))
        #expect(F.reason(padded + "." + parts[1] + "." + parts[2]) == .tokenMalformed)
        // '+' and '/' instead of '-' and '_' in the signature.
        let std = parts[2].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        if std != parts[2] {
            #expect(F.reason(parts[0] + "." + parts[1] + "." + std) == .tokenMalformed)
        }
        #expect(F.reason(parts[0] + "." + parts[1] + "." + parts[2].dropLast() + "+") == .tokenMalformed)
        // Non-zero trailing bits: a 256-byte RSA signature is 342 characters, the last carrying 4 spare bits.
        let last = parts[2].removeLast()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let index = alphabet.firstIndex(of: last)!
        let withBits = parts[2] + String(alphabet[index | 1 == index ? index ^ 1 : index | 1])
        #expect(F.reason(parts[0] + "." + parts[1] + "." + withBits) == .tokenMalformed)
    }

    @Test func nonJSONHeaderIsMalformed() {
        let t = F.rawSigned(Base64URL.encode(string: "not json"), Base64URL.encode(string: F.claims()))
        #expect(F.reason(t) == .tokenMalformed)
        let array = F.rawSigned(Base64URL.encode(string: "[\"RS256\"]"), Base64URL.encode(string: F.claims()))
        #expect(F.reason(array) == .tokenMalformed)
    }

    @Test func duplicateHeaderMembersAreMalformed() {
        let dup = "{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"alg\":\"RS256\"}"
        #expect(F.reason(F.token(header: dup)) == .tokenMalformed)
        // The same name spelled with an escape is still a duplicate.
        let escaped = "{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"\\u0061lg\":\"none\"}"
        #expect(F.reason(F.token(header: escaped)) == .tokenMalformed)
    }

    @Test func duplicateClaimsAreMalformed() {
        let payload = F.claims(extra: "\"sub\":\"admin\"")
        #expect(F.reason(F.token(payload: payload)) == .tokenMalformed)
        let nested = F.claims(extra: "\"ctx\":{\"a\":1,\"a\":2}")
        #expect(F.reason(F.token(payload: nested)) == .tokenMalformed)
    }

    @Test func headerFieldOfWrongTypeIsMalformed() {
        #expect(F.reason(F.token(header: "{\"alg\":\"RS256\",\"kid\":42}")) == .tokenMalformed)
        #expect(F.reason(F.token(header: "{\"alg\":[\"RS256\"],\"kid\":\"rsa-1\"}")) == .tokenMalformed)
        #expect(F.reason(F.token(header: "{\"kid\":\"rsa-1\"}")) == .tokenMalformed)
    }

    @Test func invalidUTF8IsMalformed() {
        let header = Base64URL.encode([0x7B, 0x22, 0x61, 0x6C, 0x67, 0x22, 0x3A, 0x22, 0xC0, 0xAF, 0x22, 0x7D])  // {"alg":"\xC0\xAF"}
        #expect(F.reason(F.rawSigned(header, Base64URL.encode(string: F.claims()))) == .tokenMalformed)
    }

    // MARK: header

    @Test(arguments: ["none", "None", "NONE", "nOnE"])
    func unsecuredTokensAreRefusedInAnySpelling(_ spelling: String) {
        let header = Base64URL.encode(string: "{\"alg\":\"\(spelling)\",\"typ\":\"JWT\"}")
        let unsecured = header + "." + Base64URL.encode(string: F.claims()) + "."
        #expect(F.reason(unsecured) == .algorithmNotAllowed)
        // Even with some signature bytes attached.
        #expect(F.reason(unsecured + "AAAA") == .algorithmNotAllowed)
    }

    @Test func algorithmOutsideTheAllowListIsRefused() {
        let v = F.validator(F.rules(algorithms: [.es256]))
        #expect(F.reason(F.token(.rs256), v) == .algorithmNotAllowed)
        #expect(F.reason(F.token(header: "{\"alg\":\"RS1\",\"kid\":\"rsa-1\"}")) == .algorithmNotAllowed)
    }

    @Test func criticalExtensionsAreRefused() {
        let crit = F.header("RS256", kid: "rsa-1", extra: "\"crit\":[\"exp\"],\"exp\":1")
        #expect(F.reason(F.token(header: crit)) == .critUnsupported)
        let b64 = F.header("RS256", kid: "rsa-1", extra: "\"b64\":false,\"crit\":[\"b64\"]")
        #expect(F.reason(F.token(header: b64)) == .critUnsupported)
        let b64Alone = F.header("RS256", kid: "rsa-1", extra: "\"b64\":false")
        #expect(F.reason(F.token(header: b64Alone)) == .critUnsupported)
        // An empty crit array is not allowed by RFC 7515.
        #expect(F.reason(F.token(header: F.header("RS256", kid: "rsa-1", extra: "\"crit\":[]"))) == .tokenMalformed)
    }

    @Test func accessTokenTypeIsEnforced() {
        let v = F.validator(F.rules(tokenType: .atJWT))
        #expect(F.reason(F.token(), v) == .typeMismatch)
        let noTyp = "{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}"
        #expect(F.reason(F.token(header: noTyp), v) == .typeMismatch)
        #expect(F.reason(F.token(header: "{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"typ\":\"at+jwt\"}"), v) == nil)
        #expect(F.reason(F.token(header: "{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"typ\":\"application/AT+JWT\"}"), v) == nil)
    }

    // MARK: claims

    @Test(arguments: [
        ("exp as a string", F.claims(exp: "\"\(F.now + 600)\"")),
        ("exp of 1e400", F.claims(exp: "1e400")),
        ("exp with a fraction", F.claims(exp: "\(F.now + 600).5")),
        ("exp negative", F.claims(exp: "-1")),
        ("exp beyond year 9999", F.claims(exp: "253402300800")),
        ("exp huge integer", F.claims(exp: "123456789012345678901234567890")),
        ("nbf as a bool", F.claims(nbf: "true")),
        ("iat as null", "{\"iss\":\"\(F.issuer)\",\"aud\":\"\(F.audience)\",\"exp\":\(F.now + 60),\"iat\":null}"),
        ("iss as a number", "{\"iss\":1,\"aud\":\"\(F.audience)\",\"exp\":\(F.now + 60)}"),
        ("aud as a number", F.claims(aud: "7")),
        ("aud array with a number", F.claims(aud: "[\"\(F.audience)\",7]")),
        ("sub as an object", F.claims(extra: "\"jti\":{}").replacingOccurrences(of: "\"sub\":\"user-42\",", with: "")),
    ])
    func registeredClaimsOfTheWrongTypeAreInvalid(_ name: String, _ payload: String) {
        #expect(F.reason(F.token(payload: payload)) == .claimsInvalid, "\(name)")
    }

    @Test func iatIsNeverAReasonToDeny() {
        let future = "{\"iss\":\"\(F.issuer)\",\"aud\":\"\(F.audience)\",\"exp\":\(F.now + 600),\"iat\":\(F.now + 3600)}"
        #expect(F.reason(F.token(payload: future)) == nil)
    }

    @Test(arguments: [
        ("wrong issuer", "https://evil.example.com/"),
        ("without the trailing slash", "https://issuer.example.com"),
        ("other case", "https://ISSUER.example.com/"),
    ])
    func issuerMustMatchExactly(_ name: String, _ iss: String) {
        #expect(F.reason(F.token(payload: F.claims(iss: iss))) == .issuerNotAllowed, "\(name)")
    }

    @Test func missingIssuerIsNotAllowed() {
        #expect(F.reason(F.token(payload: "{\"aud\":\"\(F.audience)\",\"exp\":\(F.now + 60)}")) == .issuerNotAllowed)
    }

    @Test func escapedIssuerMatches() {
        let escaped = F.claims(iss: "https:\\/\\/issuer.example.com\\/")
        #expect(F.reason(F.token(payload: escaped)) == nil)
    }

    @Test func expiryUsesNowAndLeeway() {
        #expect(F.reason(F.token(payload: F.claims(exp: "\(F.now)"))) == .expired)
        #expect(F.reason(F.token(payload: F.claims(exp: "\(F.now - 1)"))) == .expired)
        #expect(F.reason(F.token(payload: F.claims(exp: "\(F.now + 1)"))) == nil)
        let lenient = F.validator(F.rules(leeway: 30))
        #expect(F.reason(F.token(payload: F.claims(exp: "\(F.now - 10)")), lenient) == nil)
        #expect(F.reason(F.token(payload: F.claims(exp: "\(F.now - 30)")), lenient) == .expired)
    }

    @Test func notBeforeUsesNowAndLeeway() {
        #expect(F.reason(F.token(payload: F.claims(nbf: "\(F.now + 100)"))) == .notYetValid)
        #expect(F.reason(F.token(payload: F.claims(nbf: "\(F.now)"))) == nil)
        #expect(F.reason(F.token(payload: F.claims(nbf: "\(F.now + 20)")), F.validator(F.rules(leeway: 30))) == nil)
    }

    @Test func expirationCanBeRequired() {
        let noExp = "{\"iss\":\"\(F.issuer)\",\"aud\":\"\(F.audience)\"}"
        #expect(F.reason(F.token(payload: noExp)) == nil)
        #expect(F.reason(F.token(payload: noExp), F.validator(F.rules(requireExpiration: true))) == .claimsInvalid)
    }

    @Test func lifetimeCanBeCapped() {
        let v = F.validator(F.rules(maxLifetime: 300))
        #expect(F.reason(F.token(), v) == .lifetimeTooLong)  // iat now-10, exp now+600
        #expect(F.reason(F.token(payload: F.claims(exp: "\(F.now + 200)")), v) == nil)
    }

    @Test func audienceMustMatchOneOfTheAllowed() throws {
        #expect(F.reason(F.token(payload: F.claims(aud: "\"https://other.example.com\""))) == .audienceNotAllowed)
        #expect(F.reason(F.token(payload: F.claims(aud: "[\"a\",\"b\"]"))) == .audienceNotAllowed)
        #expect(F.reason(F.token(payload: F.claims(aud: "[]"))) == .audienceNotAllowed)
        #expect(F.reason(F.token(payload: F.claims(aud: "[\"a\",\"\(F.audience)\"]"))) == nil)
        let noAud = "{\"iss\":\"\(F.issuer)\",\"exp\":\(F.now + 60)}"
        #expect(F.reason(F.token(payload: noAud)) == .audienceNotAllowed)
        #expect(F.validator().validate(token: F.token(payload: noAud), now: F.now).httpStatus == 403)
        // No audience configured: not checked.
        #expect(F.reason(F.token(payload: noAud), F.validator(F.rules(audiences: []))) == nil)
    }

    // MARK: keys and signatures

    @Test func unknownKidNeverFallsBackToAnotherKey() {
        #expect(F.reason(F.token(kid: "rotated-away")) == .keyNotFound)
    }

    @Test func kidOfAKeyOfAnotherTypeIsNotFound() {
        #expect(F.reason(F.token(.rs256, kid: "ec-1")) == .keyNotFound)
    }

    @Test func keysUnavailableIsReported() {
        struct Down: KeyProvider {
            func lookup(kid: UnsafeRawBufferPointer?, algorithm: JWSAlgorithm) -> KeyLookup { .unavailable("JWKS fetch failed: 503") }
        }
        #expect(F.reason(F.token(), F.validator(keys: Down())) == .keysUnavailable)
    }

    @Test func tamperedSignaturesAreInvalid() throws {
        let good = F.token()
        let sig = try #require(Base64URL.decode(String(good.split(separator: ".")[2])))
        var flipped = sig
        flipped[17] ^= 0x01
        #expect(F.reason(CompactJWS.withSignature(good, flipped)) == .signatureInvalid)
        #expect(F.reason(CompactJWS.withSignature(good, Array(sig.dropLast(3)))) == .signatureInvalid)
        // A signature from another key that claims the same kid.
        #expect(F.reason(F.token(key: F.rsaOther)) == .signatureInvalid)
        // The claims changed after signing.
        let parts = good.split(separator: ".").map(String.init)
        let forged = parts[0] + "." + Base64URL.encode(string: F.claims(iss: F.issuer, extra: "\"admin\":true")) + "." + parts[2]
        #expect(F.reason(forged) == .signatureInvalid)
    }

    @Test func hmacWithTheRSAPublicKeyAsSecretIsRefused() throws {
        // The classic key-confusion attack: sign HS256 with the bytes of the RSA public key.
        let publicJSON = F.rsa.publicKey.jsonString()
        let confused = JWK(kty: "oct", k: Base64URL.encode(string: publicJSON))
        let signer = try OpenSSLBackend().makeSigner(key: confused, algorithm: .hs256)
        let withKid = try CompactJWS.sign(header: F.header("HS256", kid: "rsa-1"), payload: F.claims(), with: signer)
        #expect(F.reason(withKid) == .keyNotFound)
        let withoutKid = try CompactJWS.sign(header: F.header("HS256", kid: nil), payload: F.claims(), with: signer)
        #expect(F.reason(withoutKid) == .signatureInvalid)
        // With only RSA keys configured, there is no HS256 key at all.
        let rsaOnly = StaticKeyProvider(keys: [F.rsa.publicKey], algorithms: [.rs256, .hs256])
        #expect(F.reason(withoutKid, F.validator(keys: rsaOnly)) == .keyNotFound)
    }

    @Test func ecdsaZeroAndDERSignaturesAreInvalid() throws {
        let good = F.token(.es256)
        #expect(F.reason(CompactJWS.withSignature(good, [UInt8](repeating: 0, count: 64))) == .signatureInvalid)
        // The same signature re-encoded as DER (what OpenSSL produces natively).
        let raw = try #require(Base64URL.decode(String(good.split(separator: ".")[2])))
        func derInt(_ b: ArraySlice<UInt8>) -> [UInt8] {
            var v = Array(b.drop { $0 == 0 })
            if v.first.map({ $0 & 0x80 != 0 }) ?? true { v.insert(0, at: 0) }
            return [0x02, UInt8(v.count)] + v
        }
        let body = derInt(raw[0..<32]) + derInt(raw[32..<64])
        #expect(F.reason(CompactJWS.withSignature(good, [0x30, UInt8(body.count)] + body)) == .signatureInvalid)
        // r and s equal to the group order n.
        let n: [UInt8] = [
            0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
        ]
        #expect(F.reason(CompactJWS.withSignature(good, n + n)) == .signatureInvalid)
    }

    @Test func embeddedKeysInTheHeaderAreIgnored() throws {
        let attacker = try KeyGenerator.generate(for: .rs256)
        let jwk = attacker.publicKey.jsonString()
        for extra in [
            "\"jwk\":\(jwk)", "\"jku\":\"https://evil.example.com/jwks.json\"",
            "\"x5u\":\"https://evil.example.com/cert.pem\"", "\"x5c\":[\"MIIB\"]",
        ] {
            let header = "{\"alg\":\"RS256\",\(extra)}"
            #expect(F.reason(F.token(key: attacker, header: header)) == .signatureInvalid, "\(extra.prefix(6))")
        }
    }

    @Test func everyDenialCarriesADetail() {
        let tokens = [F.token(kid: "nope"), F.token(payload: F.claims(exp: "1")), "a.b", F.token(header: "{\"alg\":\"none\"}")]
        for t in tokens {
            if case .deny(let d) = F.validator().validate(token: t, now: F.now) {
                #expect(!d.detail.isEmpty)
                #expect(d.httpStatus == 401)
            } else {
                Issue.record("expected a deny for \(t.prefix(20))")
            }
        }
    }
}

@Suite struct KeySnapshotTests {
    @Test func duplicateKidsAreDroppedNotGuessed() throws {
        let a = try KeyGenerator.generate(for: .hs256, kid: "same")
        let b = try KeyGenerator.generate(for: .hs256, kid: "same")
        let c = try KeyGenerator.generate(for: .hs256, kid: "other")
        let snapshot = KeySnapshot(keys: [a, b, c], algorithms: [.hs256])
        #expect(snapshot.keys.map(\.kid) == ["other"])
        #expect(snapshot.skipped.count == 2)
        let kid = Array("same".utf8)
        let found = kid.withUnsafeBytes { snapshot.lookup(kid: $0, algorithm: .hs256) }
        guard case .notFound = found else {
            Issue.record("a duplicated kid must not resolve")
            return
        }
    }

    @Test func aRefreshReusesTheVerifiersOfKeysItKeeps() throws {
        let a = try KeyGenerator.generate(for: .es256, kid: "a").publicKey
        let b = try KeyGenerator.generate(for: .es256, kid: "b").publicKey
        let c = try KeyGenerator.generate(for: .es256, kid: "c").publicKey
        func verifier(_ snapshot: KeySnapshot, _ kid: String) -> (any SignatureVerifier)? {
            guard case .found(let list) = Array(kid.utf8).withUnsafeBytes({ snapshot.lookup(kid: $0, algorithm: .es256) }) else {
                return nil
            }
            return list.first
        }
        let first = KeySnapshot(keys: [a, b], algorithms: [.es256])
        let second = KeySnapshot(keys: [b, c], algorithms: [.es256], reusing: first)
        // b is the same object (its prepared state kept); c is new; a is gone.
        let b1 = try #require(verifier(first, "b"))
        let b2 = try #require(verifier(second, "b"))
        #expect(b1 as AnyObject === b2 as AnyObject)
        #expect(verifier(second, "c") != nil && verifier(second, "a") == nil)
        #expect(second.keys.map(\.kid) == ["b", "c"])
        // A key under the same kid but with other material is not reused.
        let bPrime = try KeyGenerator.generate(for: .es256, kid: "b").publicKey
        let third = KeySnapshot(keys: [bPrime], algorithms: [.es256], reusing: second)
        #expect(try #require(verifier(third, "b")) as AnyObject !== b2 as AnyObject)
        // Another algorithm list: nothing reused.
        let fourth = KeySnapshot(keys: [b, c], algorithms: [.es256, .es384], reusing: second)
        #expect(try #require(verifier(fourth, "b")) as AnyObject !== b2 as AnyObject)
    }

    @Test func manyKeysResolveByKid() throws {
        let keys = try (0..<40).map { try KeyGenerator.generate(for: .hs256, kid: "key-\($0)") }
        let snapshot = KeySnapshot(keys: keys, algorithms: [.hs256, .hs384])
        for i in [0, 17, 39] {
            let kid = Array("key-\(i)".utf8)
            guard case .found(let list) = kid.withUnsafeBytes({ snapshot.lookup(kid: $0, algorithm: .hs256) }) else {
                Issue.record("key-\(i) not found")
                continue
            }
            #expect(list.count == 1)
            let signer = try OpenSSLBackend().makeSigner(key: keys[i], algorithm: .hs256)
            #expect(list[0].verify(signature: try signer.sign([1, 2, 3]), message: [1, 2, 3]))
        }
        // HS384 needs 48-byte secrets: none of these 32-byte keys fits.
        let kid = Array("key-3".utf8)
        guard case .notFound = kid.withUnsafeBytes({ snapshot.lookup(kid: $0, algorithm: .hs384) }) else {
            Issue.record("a key that does not fit must not be found")
            return
        }
    }
}
