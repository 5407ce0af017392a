import JOSECrypto

@testable import JWTValidation

/// Keys and token builders shared by the validation tests. Keys are generated once per process.
enum Fixtures {
    static let now: Int64 = 1_750_000_000
    static let issuer = "https://issuer.example.com/"
    static let audience = "https://api.example.com"

    static let rsa = try! KeyGenerator.generate(for: .rs256, kid: "rsa-1")
    static let rsaOther = try! KeyGenerator.generate(for: .rs256, kid: "rsa-1")  // same kid, other key
    static let ec = try! KeyGenerator.generate(for: .es256, kid: "ec-1")
    static let ed = try! KeyGenerator.generate(for: .edDSA, kid: "ed-1")
    static let hmac = try! KeyGenerator.generate(for: .hs256, kid: "hs-1")
    static let ec384 = try! KeyGenerator.generate(for: .es384, kid: "ec384-1")
    static let rsaPSS = {
        var k = try! KeyGenerator.generate(for: .ps256, kid: "ps-1")
        k.alg = nil
        return k
    }()

    static let publicKeys: [JWK] = [rsa.publicKey, ec.publicKey, ed.publicKey, hmac, ec384.publicKey, rsaPSS.publicKey]
    static let allAlgorithms: [JWSAlgorithm] = [.rs256, .es256, .edDSA, .hs256, .es384, .ps256]

    static func rules(
        algorithms: [JWSAlgorithm] = allAlgorithms, audiences: [String] = [audience], leeway: Int64 = 0,
        requireExpiration: Bool = false, maxLifetime: Int64? = nil, tokenType: TokenType = .jwt
    ) -> ValidationRules {
        ValidationRules(
            issuers: [issuer], audiences: audiences, allowedAlgorithms: algorithms, leeway: leeway,
            requireExpiration: requireExpiration, maxLifetime: maxLifetime, tokenType: tokenType)
    }

    static let keys = StaticKeyProvider(keys: publicKeys, algorithms: allAlgorithms)

    static func validator(_ rules: ValidationRules = rules(), keys: any KeyProvider = Fixtures.keys) -> Validator {
        Validator(rules: rules, keys: keys, locations: [.authorizationBearer])
    }

    static func claims(
        iss: String = issuer, aud: String = "\"\(audience)\"", exp: String = "\(now + 600)", nbf: String? = nil,
        extra: String = ""
    ) -> String {
        var members = ["\"iss\":\"\(iss)\"", "\"sub\":\"user-42\"", "\"aud\":\(aud)", "\"iat\":\(now - 10)", "\"exp\":\(exp)"]
        if let nbf { members.append("\"nbf\":\(nbf)") }
        if !extra.isEmpty { members.append(extra) }
        return "{" + members.joined(separator: ",") + "}"
    }

    static func header(_ alg: String, kid: String?, extra: String = "") -> String {
        var members = ["\"alg\":\"\(alg)\"", "\"typ\":\"JWT\""]
        if let kid { members.append("\"kid\":\"\(kid)\"") }
        if !extra.isEmpty { members.append(extra) }
        return "{" + members.joined(separator: ",") + "}"
    }

    static func token(
        _ alg: JWSAlgorithm = .rs256, key: JWK? = nil, kid: String?? = .none, header: String? = nil, payload: String? = nil
    ) -> String {
        let signingKey = key ?? defaultKey(alg)
        let headerText = header ?? self.header(alg.rawValue, kid: kid ?? signingKey.kid)
        let signer = try! OpenSSLBackend().makeSigner(key: signingKey, algorithm: alg)
        return try! CompactJWS.sign(header: headerText, payload: payload ?? claims(), with: signer)
    }

    static func defaultKey(_ alg: JWSAlgorithm) -> JWK {
        switch alg {
        case .rs256: return rsa
        case .es256: return ec
        case .es384: return ec384
        case .edDSA, .ed25519: return ed
        case .hs256: return hmac
        case .ps256: return rsaPSS
        default: fatalError("no fixture key for \(alg)")
        }
    }

    /// Signs arbitrary segments (already base64url) with the RSA key, for structural defects.
    static func rawSigned(_ headerB64: String, _ payloadB64: String, key: JWK = rsa, alg: JWSAlgorithm = .rs256) -> String {
        let input = headerB64 + "." + payloadB64
        let signer = try! OpenSSLBackend().makeSigner(key: key, algorithm: alg)
        return input + "." + Base64URL.encode(try! signer.sign(Array(input.utf8)))
    }

    static func reason(_ token: String, _ validator: Validator = validator(), now: Int64 = now) -> ReasonCode? {
        validator.validate(token: token, now: now).reason
    }
}
