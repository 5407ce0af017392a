import Foundation
import JOSECrypto

/// Encrypted tokens (JWE, RFC 7516, compact serialization) and nested JWTs (RFC 7519 section
/// 5.2): the path `Validator.check` takes for a five-segment token. It allocates (the decoded
/// segments, the CEK, the plaintext; docs/ARCHITECTURE.md, Hot-path rules); the JWS path does
/// not come here.
///
/// Order: encryption allowed at all (`encryption_not_allowed`), segments and base64url and the
/// header (`token_malformed`), `alg`/`enc`/`zip` (`algorithm_not_allowed`), `crit`
/// (`crit_unsupported`), the key by `kid` (`key_not_found`), decryption (`decryption_failed`,
/// one code for every failure), then the plaintext: a nested JWT's inner JWS through the JWS
/// steps unchanged, or a claims set through the same claim checks.
extension Validator {
    /// The most an encrypted key may be: an RSA-OAEP block of a 8192-bit key. Checked before
    /// any key work, so a token cannot make the private-key operation take longer.
    static let maximumEncryptedKeyBytes = 1024

    /// What decryption found: the plaintext and the header members the later checks read.
    struct Decrypted {
        var plaintext: [UInt8]
        var alg: JWEKeyManagement
        var enc: JWEContentEncryption
        var backend: String
        var nested: Bool
        var typ: String?
        var replicatedClaims: Bool
        var header: [UInt8]
    }

    func checkEncrypted(_ token: UnsafeRawBufferPointer, now: Int64, tokenType: TokenType) -> Outcome {
        guard rules.encryption.requirement != .signed else {
            return .deny(Denial(.encryptionNotAllowed, "an encrypted token (JWE, 5 segments) where this policy accepts only signed tokens"))
        }
        let decrypted: Decrypted
        switch decryptJWE(token) {
        case .success(let d): decrypted = d
        case .failure(let denial): return .deny(denial)
        }
        let details = EncryptionDetails(
            keyManagement: decrypted.alg, contentEncryption: decrypted.enc, nested: decrypted.nested,
            plaintext: String(decoding: decrypted.plaintext, as: UTF8.self))
        if decrypted.nested {
            return decrypted.header.withUnsafeBytes { header in
                checkNested(
                    decrypted.plaintext, details: details, header: header, replicated: decrypted.replicatedClaims, now: now,
                    tokenType: tokenType)
            }
        }
        guard rules.encryption.requirement != .nested else {
            return .deny(Denial(.encryptionRequired, "this policy requires a nested JWT (a signed token inside, cty \"JWT\")"))
        }
        // Defence in depth for the configuration rule: with public-key key management anyone
        // can make a token that decrypts, so only a signature inside could authenticate it.
        guard decrypted.alg.isSymmetric else {
            return .deny(
                Denial(
                    .encryptionRequired, "\(decrypted.alg.rawValue) does not authenticate the sender; a nested (signed) token is required"))
        }
        return decrypted.plaintext.withUnsafeBytes { payload -> Outcome in
            let claims: ClaimFields
            switch parseClaims(payload) {
            case .success(let c): claims = c
            case .failure(let denial): return .deny(denial)
            }
            if let required = tokenType.requiredTyp, !tokenType.accepts(typ: decrypted.typ) {
                return .deny(Denial(.typeMismatch, "header typ does not match; a \(tokenType.rawValue) token requires \"\(required)\""))
            }
            if rules.checksClaims, let denial = checkClaims(claims, payload: payload, now: now) { return .deny(denial) }
            if let revocation, Self.isRevoked(revocation, jti: claims.jti, payload: payload, token: token) {
                return .deny(Denial(.revoked, "the token is on the revocation list"))
            }
            return .allowEncrypted(nil, decrypted.backend, claims.exp, details)
        }
    }

    /// Decrypts a compact JWE with the policy's keys and nothing else: no requirement, no
    /// claims, no inner token. For the conformance suites' decryption vectors, whose plaintexts
    /// are no claims sets; a validation is `validate(token:now:)`.
    public func decrypt(token: String) -> Result<[UInt8], Denial> {
        var copy = token
        copy.makeContiguousUTF8()
        let result = copy.utf8.withContiguousStorageIfAvailable { bytes -> Result<[UInt8], Denial> in
            let raw = UnsafeRawBufferPointer(bytes)
            guard raw.count <= rules.maxTokenBytes else {
                return .failure(Denial(.tokenTooLarge, "token is \(raw.count) bytes; the limit is \(rules.maxTokenBytes)"))
            }
            return decryptJWE(raw).map(\.plaintext)
        }
        return result ?? .failure(Denial(.tokenMalformed, "token text is not contiguous UTF-8"))
    }

    /// Segments, base64url, header, algorithms, key and decryption: the steps every JWE takes.
    func decryptJWE(_ token: UnsafeRawBufferPointer) -> Result<Decrypted, Denial> {
        let parts = token.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 5, !parts[0].isEmpty, !parts[2].isEmpty, !parts[4].isEmpty else {
            return .failure(Denial(.tokenMalformed, "a JWE in compact form has 5 segments with a protected header, an IV and a tag"))
        }
        var decoded: [[UInt8]] = []
        for (index, part) in parts.enumerated() {
            guard let bytes = Base64URL.decode(bytes: UnsafeRawBufferPointer(rebasing: part)) else {
                return .failure(Denial(.tokenMalformed, "JWE segment \(index + 1) is not strict base64url"))
            }
            decoded.append(bytes)
        }
        let aad = Array(parts[0])
        return decoded[0].withUnsafeBytes { header in
            decrypt(header: header, aad: aad, encryptedKey: decoded[1], iv: decoded[2], ciphertext: decoded[3], tag: decoded[4])
        }
    }

    private func decrypt(
        header: UnsafeRawBufferPointer, aad: [UInt8], encryptedKey: [UInt8], iv: [UInt8], ciphertext: [UInt8], tag: [UInt8]
    ) -> Result<Decrypted, Denial> {
        let fields: JWEHeaderFields
        do {
            fields = try JWEHeaderFields.parse(header)
        } catch {
            return .failure(Denial(.tokenMalformed, "JWE header: \(error.message) at byte \(error.offset)"))
        }
        let alg: JWEKeyManagement
        let enc: JWEContentEncryption
        switch algorithms(fields, header: header) {
        case .success(let pair): (alg, enc) = pair
        case .failure(let denial): return .failure(denial)
        }
        if fields.critCount != nil {
            return .failure(Denial(.critUnsupported, "the JWE header lists critical extensions, which this validator does not implement"))
        }
        guard encryptedKey.count <= Self.maximumEncryptedKeyBytes else {
            return .failure(
                Denial(.tokenMalformed, "the encrypted key is \(encryptedKey.count) bytes; at most \(Self.maximumEncryptedKeyBytes)"))
        }
        let kid = fields.kid.map { JSONText.string($0, in: header) }
        let candidates = rules.encryption.keys.filter { (kid == nil || $0.kid == kid) && $0.fits(alg, enc) }
        guard !candidates.isEmpty else {
            let which = kid.map { "with kid \"\($0)\" " } ?? ""
            return .failure(Denial(.keyNotFound, "no decryption key \(which)fits \(alg.rawValue) with \(enc.rawValue)"))
        }
        let failed = Denial(.decryptionFailed, "the token could not be decrypted with the configured keys")
        guard let parameters = keyParameters(fields, header: header) else { return .failure(failed) }
        for key in candidates {
            let plaintext = JWEDecryption.decrypt(
                alg: alg, enc: enc, key: key, parameters: parameters, encryptedKey: encryptedKey, iv: iv, aad: aad,
                ciphertext: ciphertext, tag: tag)
            if let plaintext {
                return .success(
                    Decrypted(
                        plaintext: plaintext, alg: alg, enc: enc, backend: key.cipher.name,
                        nested: fields.cty.map { Self.isJWTContentType(JSONText.string($0, in: header)) } ?? false,
                        typ: fields.typ.map { JSONText.string($0, in: header) }, replicatedClaims: fields.hasReplicatedClaims,
                        header: Array(header)))
            }
        }
        return .failure(failed)
    }

    /// `alg` and `enc` named, supported and allowed; no `zip`.
    private func algorithms(_ fields: JWEHeaderFields, header: UnsafeRawBufferPointer) -> Result<
        (JWEKeyManagement, JWEContentEncryption), Denial
    > {
        guard let algSpan = fields.alg, let encSpan = fields.enc else {
            return .failure(Denial(.tokenMalformed, "a JWE header needs \"alg\" and \"enc\""))
        }
        let algName = JSONText.string(algSpan, in: header)
        let encName = JSONText.string(encSpan, in: header)
        guard let alg = JWEKeyManagement(rawValue: algName), rules.encryption.allowedKeyManagement.contains(alg) else {
            let why =
                algName == "RSA1_5" || algName.hasPrefix("PBES2")
                ? " (refused by design: RSA1_5 is a padding oracle, PBES2's p2c unbounded work)" : ""
            return .failure(Denial(.algorithmNotAllowed, "JWE alg \"\(algName)\" is not allowed\(why)"))
        }
        guard let enc = JWEContentEncryption(rawValue: encName), rules.encryption.allowedContentEncryption.contains(enc) else {
            return .failure(Denial(.algorithmNotAllowed, "JWE enc \"\(encName)\" is not allowed"))
        }
        if fields.zip != nil {
            return .failure(
                Denial(.algorithmNotAllowed, "compressed content (\"zip\") is refused (decompression bombs, CRIME-style leaks)"))
        }
        return .success((alg, enc))
    }

    /// `epk`, `apu`, `apv`, `iv`, `tag` decoded; nil when one is malformed (a decryption
    /// failure like any other, so a bad ephemeral key says nothing more).
    func keyParameters(_ fields: JWEHeaderFields, header: UnsafeRawBufferPointer) -> JWEDecryption.KeyParameters? {
        func bytes(_ span: JSONSpan?) -> [UInt8]?? {
            guard let span else { return .some(nil) }
            guard let decoded = Base64URL.decode(JSONText.string(span, in: header)) else { return nil }
            return .some(decoded)
        }
        var p = JWEDecryption.KeyParameters()
        guard let apu = bytes(fields.apu), let apv = bytes(fields.apv), let iv = bytes(fields.iv), let tag = bytes(fields.tag) else {
            return nil
        }
        p.apu = apu ?? []
        p.apv = apv ?? []
        p.iv = iv
        p.tag = tag
        if let kty = fields.epkKty {
            guard JSONText.string(kty, in: header) == "EC", let crv = fields.epkCrv,
                let curve = ECCurve(rawValue: JSONText.string(crv, in: header)),
                let x = bytes(fields.epkX) ?? nil, let y = bytes(fields.epkY) ?? nil
            else { return nil }
            p.epkCurve = curve
            p.epkX = x
            p.epkY = y
        }
        return p
    }

    /// The inner JWS through the JWS steps unchanged, then the outer header's replicated
    /// claims against the inner ones.
    private func checkNested(
        _ plaintext: [UInt8], details: EncryptionDetails, header: UnsafeRawBufferPointer, replicated: Bool, now: Int64,
        tokenType: TokenType
    ) -> Outcome {
        plaintext.withUnsafeBytes { inner -> Outcome in
            let parts: Segments
            switch segments(inner) {
            case .success(let p): parts = p
            case .failure(let denial):
                if Self.dotCount(inner) == 4 {
                    return .deny(Denial(.tokenMalformed, "a JWE nested in a JWE: nesting deeper than one level is refused"))
                }
                return .deny(Denial(denial.reason, "nested token: \(denial.detail)"))
            }
            switch checkSigned(parts, token: inner, now: now, tokenType: tokenType) {
            case .allow(let alg, let verifier, let exp):
                if replicated, let mismatch = Self.replicatedClaimMismatch(header: header, innerToken: parts.payload) {
                    return .deny(Denial(.claimsInvalid, "the JWE header's \"\(mismatch)\" differs from the inner token's claim"))
                }
                return .allowEncrypted(alg, verifier.backendName, exp, details)
            case .deny(let denial):
                return .deny(Denial(denial.reason, "nested token: \(denial.detail)"))
            case .allowEncrypted:
                return .deny(Denial(.tokenMalformed, "nesting deeper than one level is refused"))
            }
        }
    }

    /// RFC 7519 section 5.3: `iss`, `sub`, `aud` replicated into the JWE header must equal the
    /// inner claims; the name of the first that does not, else nil.
    static func replicatedClaimMismatch(header: UnsafeRawBufferPointer, innerToken payload: UnsafeRawBufferPointer) -> String? {
        guard let claimsBytes = Base64URL.decode(bytes: payload),
            let outer = (try? JSONSerialization.jsonObject(with: Data(header))) as? [String: Any],
            let claims = (try? JSONSerialization.jsonObject(with: Data(claimsBytes))) as? [String: Any]
        else { return "header" }
        // JSON values compared as their canonical (sorted-keys) serialisations.
        func canonical(_ value: Any) -> Data? { try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys]) }
        for name in ["iss", "sub", "aud"] {
            guard let replicated = outer[name] else { continue }
            guard let claim = claims[name], canonical(replicated) == canonical(claim) else { return name }
        }
        return nil
    }

    /// `cty` names a JWT: `JWT` in any case, or the media type `application/jwt` (RFC 7515
    /// section 4.1.10 lets the `application/` prefix be omitted).
    static func isJWTContentType(_ cty: String) -> Bool {
        let lower = cty.lowercased()
        return lower == "jwt" || lower == "application/jwt"
    }
}
