import JOSECrypto

/// Decides allow or deny for tokens and requests under one set of rules and keys.
///
/// `validate` is the hot path: it takes no lock, awaits nothing, decodes the three segments
/// into temporary (stack) memory, reads only the members the decision needs with a strict
/// scanner, and calls one prepared verifier. Checks run in the fixed order of docs/ARCHITECTURE.md
/// (Check order), cheapest first; the first failure wins.
public struct Validator: Sendable {
    public let rules: ValidationRules
    public let keys: any KeyProvider
    /// Where tokens are looked for in a request (`validate(request:now:)`).
    public let locations: [TokenLocation]
    /// The denylist asked after the signature verified; nil (no list configured) costs one
    /// nil check per validation.
    public let revocation: (any RevocationCheck)?

    public init(
        rules: ValidationRules, keys: any KeyProvider, locations: [TokenLocation] = [], revocation: (any RevocationCheck)? = nil
    ) {
        self.rules = rules
        self.keys = keys
        self.locations = locations
        self.revocation = revocation
    }

    /// Lets the key provider do what its strategy puts before a validation (see
    /// `KeyProvider.prepareForValidation()`); returns how long that waited.
    @discardableResult
    public func prepareKeys() -> Duration { keys.prepareForValidation() }

    /// What the byte-level check found, before it is wrapped with the token text.
    enum Outcome {
        case allow(JWSAlgorithm, any SignatureVerifier, Int64?)
        /// An encrypted token: the inner JWS's algorithm (nil when not nested), the backend
        /// that did the work, `exp`, and what it decrypted to.
        case allowEncrypted(JWSAlgorithm?, String, Int64?, EncryptionDetails)
        case deny(Denial)
    }

    /// Validates a bare token at `now` (seconds since the epoch).
    public func validate(token: String, now: Int64, location: TokenLocation? = nil) -> Decision {
        let required = (location?.type ?? rules.tokenType)
        let outcome =
            token.utf8.withContiguousStorageIfAvailable {
                check(UnsafeRawBufferPointer($0), now: now, tokenType: required)
            }
            ?? {
                var copy = token
                copy.makeContiguousUTF8()
                return copy.utf8.withContiguousStorageIfAvailable {
                    check(UnsafeRawBufferPointer($0), now: now, tokenType: required)
                } ?? .deny(Denial(.tokenMalformed, "token text is not contiguous UTF-8"))
            }()
        switch outcome {
        case .allow(let alg, let verifier, let exp):
            return .allow(VerifiedToken(token: token, algorithm: alg, location: location, expiresAt: exp, backend: verifier.backendName))
        case .allowEncrypted(let alg, let backend, let exp, let details):
            return .allow(
                VerifiedToken(token: token, algorithm: alg, location: location, expiresAt: exp, backend: backend, encryption: details))
        case .deny(let denial):
            return .deny(denial)
        }
    }

    // MARK: the byte-level check

    /// The steps of `Validator+Steps.swift` in the documented order; the first failure wins.
    /// Five segments are a JWE (`Validator+JWE.swift`); a JWS where the policy requires
    /// encryption is denied before any other work on it.
    func check(_ token: UnsafeRawBufferPointer, now: Int64, tokenType: TokenType) -> Outcome {
        let parts: Segments
        switch segments(token) {
        case .success(let p): parts = p
        case .failure(let denial):
            // Only a token that is not three segments gets here, so a JWS pays nothing for this.
            if denial.reason == .tokenMalformed, Self.dotCount(token) == 4 {
                return checkEncrypted(token, now: now, tokenType: tokenType)
            }
            return .deny(denial)
        }
        if rules.encryption.requirement != .signed {
            return .deny(Denial(.encryptionRequired, "a signed token (JWS) where this policy requires an encrypted one (JWE)"))
        }
        return checkSigned(parts, token: token, now: now, tokenType: tokenType)
    }

    /// A JWS whose segments were found: steps 3 onwards (also a nested JWT's inner token).
    func checkSigned(_ parts: Segments, token: UnsafeRawBufferPointer, now: Int64, tokenType: TokenType) -> Outcome {
        guard let headerCount = Base64URL.decodedCount(parts.header.count),
            let payloadCount = Base64URL.decodedCount(parts.payload.count),
            let signatureCount = Base64URL.decodedCount(parts.signature.count)
        else {
            return .deny(Denial(.tokenMalformed, "a segment's length is impossible for base64url"))
        }
        // One temporary buffer for all three decoded segments (one stack allocation for
        // typical tokens).
        return withUnsafeTemporaryAllocation(byteCount: headerCount + payloadCount + signatureCount + 3, alignment: 8) { buffer in
            let headerOut = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<headerCount])
            let payloadOut = UnsafeMutableRawBufferPointer(rebasing: buffer[headerCount..<(headerCount + payloadCount)])
            let signatureOut = UnsafeMutableRawBufferPointer(
                rebasing: buffer[(headerCount + payloadCount)..<(headerCount + payloadCount + signatureCount)])
            if let denial = Self.decode(parts.header, into: headerOut, name: "header") { return .deny(denial) }
            if let denial = Self.decode(parts.payload, into: payloadOut, name: "payload") { return .deny(denial) }
            if let denial = Self.decode(parts.signature, into: signatureOut, name: "signature") { return .deny(denial) }
            return decide(
                header: UnsafeRawBufferPointer(headerOut), payload: UnsafeRawBufferPointer(payloadOut),
                signature: UnsafeRawBufferPointer(signatureOut), signingInput: parts.signingInput,
                token: token, now: now, tokenType: tokenType)
        }
    }

    private func decide(
        header: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, signature: UnsafeRawBufferPointer,
        signingInput: UnsafeRawBufferPointer, token: UnsafeRawBufferPointer, now: Int64, tokenType: TokenType
    ) -> Outcome {
        let fields: JOSEHeaderFields
        switch Self.parseHeader(header) {
        case .success(let f): fields = f
        case .failure(let denial): return .deny(denial)
        }
        let claims: ClaimFields
        switch parseClaims(payload) {
        case .success(let c): claims = c
        case .failure(let denial): return .deny(denial)
        }
        let algorithm: JWSAlgorithm
        switch self.algorithm(fields, header: header) {
        case .success(let a): algorithm = a
        case .failure(let denial): return .deny(denial)
        }
        // An empty signature is checked after the algorithm, so that an unsecured token
        // (`alg: none` with an empty third segment) is reported as what it is.
        guard signature.count > 0 else { return .deny(Denial(.tokenMalformed, "empty signature segment")) }
        if let denial = checkHeader(fields, header: header, tokenType: tokenType) { return .deny(denial) }
        if rules.checksClaims, let denial = checkClaims(claims, payload: payload, now: now) { return .deny(denial) }
        let keys: [any SignatureVerifier]
        switch candidates(fields, header: header, algorithm: algorithm) {
        case .success(let list): keys = list
        case .failure(let denial): return .deny(denial)
        }
        switch Self.verify(signature, message: signingInput, candidates: keys, algorithm: algorithm) {
        case .success(let verifier):
            // Last, after the signature: only a token we would otherwise accept is looked up,
            // so the list cannot be probed with forged tokens.
            if let revocation, Self.isRevoked(revocation, jti: claims.jti, payload: payload, token: token) {
                return .deny(Denial(.revoked, "the token is on the revocation list"))
            }
            return .allow(algorithm, verifier, claims.exp)
        case .failure(let denial): return .deny(denial)
        }
    }

    /// The revocation step: the `jti` unescaped (in place unless it has escapes) and the
    /// token's bytes, handed to the list.
    @inline(__always)
    static func isRevoked(
        _ revocation: any RevocationCheck, jti: JSONSpan?, payload: UnsafeRawBufferPointer, token: UnsafeRawBufferPointer
    ) -> Bool {
        guard let jti else { return revocation.isRevoked(jti: nil, token: token) }
        return JSONText.withUnescaped(jti, in: payload) { revocation.isRevoked(jti: $0, token: token) }
    }

    func checkClaims(_ claims: ClaimFields, payload: UnsafeRawBufferPointer, now: Int64) -> Denial? {
        if let invalid = claims.invalid { return Denial(.claimsInvalid, "\(invalid)") }
        if !rules.issuerBytes.isEmpty {
            guard let iss = claims.iss else { return Denial(.issuerNotAllowed, "token has no \"iss\" claim") }
            let allowed = rules.issuerBytes.contains { allowedIssuer in
                allowedIssuer.withUnsafeBytes { JSONText.equal(iss, $0, in: payload) }
            }
            guard allowed else {
                return Denial(.issuerNotAllowed, "issuer \"\(JSONText.string(iss, in: payload))\" is not in the allow list")
            }
        }
        if claims.exp == nil && (rules.requireExpiration || rules.maxLifetime != nil) {
            return Denial(.claimsInvalid, "token has no \"exp\" claim and this policy requires one")
        }
        if let denial = rules.timeDenial(exp: claims.exp, nbf: claims.nbf, now: now) { return denial }
        if let maxLifetime = rules.maxLifetime, let exp = claims.exp {
            let start = claims.iat ?? claims.nbf ?? now
            if exp - start > maxLifetime {
                return Denial(.lifetimeTooLong, "token lifetime is \(exp - start) s; the limit is \(maxLifetime) s")
            }
        }
        if !rules.audienceBytes.isEmpty {
            guard audienceMatches(claims.aud, payload: payload) else {
                switch claims.aud {
                case .absent: return Denial(.audienceNotAllowed, "token has no \"aud\" claim")
                default: return Denial(.audienceNotAllowed, "no audience of the token is in the allow list")
                }
            }
        }
        return nil
    }

    private func audienceMatches(_ aud: ClaimFields.Audience, payload: UnsafeRawBufferPointer) -> Bool {
        func allowed(_ span: JSONSpan) -> Bool {
            rules.audienceBytes.contains { a in a.withUnsafeBytes { JSONText.equal(span, $0, in: payload) } }
        }
        switch aud {
        case .absent: return false
        case .single(let span): return allowed(span)
        case .array(let range):
            // The array was validated when the claims were parsed; walk its strings again.
            var scanner = JSONScanner(payload)
            scanner.position = range.lowerBound
            var matched = false
            try? scanner.forEachElement(depth: 1) { (s: inout JSONScanner) throws(JSONScanError) in
                let span = try s.scanString()
                if !matched && allowed(span) { matched = true }
            }
            return matched
        }
    }
}
