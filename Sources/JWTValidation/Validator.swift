#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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

    public init(rules: ValidationRules, keys: any KeyProvider, locations: [TokenLocation] = []) {
        self.rules = rules
        self.keys = keys
        self.locations = locations
    }

    /// What the byte-level check found, before it is wrapped with the token text.
    enum Outcome {
        case allow(JWSAlgorithm, any SignatureVerifier, Int64?)
        case deny(Denial)
    }

    /// Validates a bare token at `now` (seconds since the epoch).
    public func validate(token: String, now: Int64, location: TokenLocation? = nil) -> Decision {
        let required = (location?.type ?? rules.tokenType)
        let outcome = token.utf8.withContiguousStorageIfAvailable {
            check(UnsafeRawBufferPointer($0), now: now, tokenType: required)
        } ?? {
            var copy = token
            copy.makeContiguousUTF8()
            return copy.utf8.withContiguousStorageIfAvailable {
                check(UnsafeRawBufferPointer($0), now: now, tokenType: required)
            } ?? .deny(Denial(.tokenMalformed, "token text is not contiguous UTF-8"))
        }()
        switch outcome {
        case .allow(let alg, let verifier, let exp):
            return .allow(VerifiedToken(token: token, algorithm: alg, location: location, expiresAt: exp, backend: verifier.backendName))
        case .deny(let denial):
            return .deny(denial)
        }
    }

    // MARK: the byte-level check

    func check(_ token: UnsafeRawBufferPointer, now: Int64, tokenType: TokenType) -> Outcome {
        // 1. Size, before any work.
        guard token.count <= rules.maxTokenBytes else {
            return .deny(Denial(.tokenTooLarge, "token is \(token.count) bytes; the limit is \(rules.maxTokenBytes)"))
        }
        // 2. Segments: exactly three, separated by two dots.
        guard let base = token.baseAddress, token.count > 0 else { return .deny(Denial(.tokenMalformed, "empty token")) }
        guard let dot1 = Self.find(UInt8(ascii: "."), in: token, from: 0),
              let dot2 = Self.find(UInt8(ascii: "."), in: token, from: dot1 + 1),
              Self.find(UInt8(ascii: "."), in: token, from: dot2 + 1) == nil
        else {
            return .deny(Self.segmentDenial(token))
        }
        let headerPart = UnsafeRawBufferPointer(start: base, count: dot1)
        let payloadPart = UnsafeRawBufferPointer(start: base + dot1 + 1, count: dot2 - dot1 - 1)
        let signaturePart = UnsafeRawBufferPointer(start: base + dot2 + 1, count: token.count - dot2 - 1)
        guard headerPart.count > 0 else { return .deny(Denial(.tokenMalformed, "empty header segment")) }
        guard payloadPart.count > 0 || !rules.checksClaims else { return .deny(Denial(.tokenMalformed, "empty payload segment")) }
        guard let headerCount = Base64URL.decodedCount(headerPart.count),
              let payloadCount = Base64URL.decodedCount(payloadPart.count),
              let signatureCount = Base64URL.decodedCount(signaturePart.count)
        else {
            return .deny(Denial(.tokenMalformed, "a segment's length is impossible for base64url"))
        }
        // One temporary buffer for all three decoded segments (one stack allocation for
        // typical tokens).
        return withUnsafeTemporaryAllocation(byteCount: headerCount + payloadCount + signatureCount + 3, alignment: 8) { buffer in
            let headerOut = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<headerCount])
            let payloadOut = UnsafeMutableRawBufferPointer(rebasing: buffer[headerCount..<(headerCount + payloadCount)])
            let signatureOut = UnsafeMutableRawBufferPointer(rebasing: buffer[(headerCount + payloadCount)..<(headerCount + payloadCount + signatureCount)])
            guard Base64URL.decode(headerPart, into: headerOut) != nil else {
                return .deny(Denial(.tokenMalformed, "header segment is not strict base64url (no padding, no '+' or '/', zero trailing bits)"))
            }
            guard Base64URL.decode(payloadPart, into: payloadOut) != nil else {
                return .deny(Denial(.tokenMalformed, "payload segment is not strict base64url (no padding, no '+' or '/', zero trailing bits)"))
            }
            guard Base64URL.decode(signaturePart, into: signatureOut) != nil else {
                return .deny(Denial(.tokenMalformed, "signature segment is not strict base64url (no padding, no '+' or '/', zero trailing bits)"))
            }
            let header = UnsafeRawBufferPointer(headerOut)
            let payload = UnsafeRawBufferPointer(payloadOut)
            return decide(header: header, payload: payload, signature: UnsafeRawBufferPointer(signatureOut),
                          signingInput: UnsafeRawBufferPointer(start: base, count: dot2), now: now, tokenType: tokenType)
        }
    }

    private func decide(
        header: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, signature: UnsafeRawBufferPointer,
        signingInput: UnsafeRawBufferPointer, now: Int64, tokenType: TokenType
    ) -> Outcome {
        // 3. Parse header and claims (syntax only; meaning is checked below in order).
        let fields: JOSEHeaderFields
        do {
            fields = try JOSEHeaderFields.parse(header)
        } catch {
            return .deny(Denial(.tokenMalformed, "header: \(error.message) at byte \(error.offset)"))
        }
        var claims = ClaimFields()
        if rules.checksClaims {
            do {
                claims = try ClaimFields.parse(payload)
            } catch {
                return .deny(Denial(.tokenMalformed, "payload: \(error.message) at byte \(error.offset)"))
            }
        }
        // 4. Header: algorithm allowed, crit, b64, typ.
        guard let algSpan = fields.alg else { return .deny(Denial(.tokenMalformed, "header has no \"alg\"")) }
        let parsedAlgorithm = JSONText.withUnescaped(algSpan, in: header) { JWSAlgorithm.from(bytes: $0) }
        guard let algorithm = parsedAlgorithm, rules.allows(algorithm) else {
            let name = JSONText.string(algSpan, in: header)
            if name.lowercased() == "none" {
                return .deny(Denial(.algorithmNotAllowed, "alg \"\(name)\" (an unsecured token) is never allowed"))
            }
            return .deny(Denial(.algorithmNotAllowed, "alg \"\(name)\" is not in the allowed algorithms \(rules.allowedAlgorithms.map(\.rawValue))"))
        }
        // An empty signature is checked after the algorithm, so that an unsecured token
        // (`alg: none` with an empty third segment) is reported as what it is.
        guard signature.count > 0 else { return .deny(Denial(.tokenMalformed, "empty signature segment")) }
        if fields.critCount != nil {
            let first = fields.firstCrit.map { JSONText.string($0, in: header) } ?? ""
            return .deny(Denial(.critUnsupported, "header lists critical extension \"\(first)\", which this validator does not implement"))
        }
        if fields.b64 == false {
            return .deny(Denial(.critUnsupported, "unencoded payload (\"b64\": false, RFC 7797) is not supported"))
        }
        if let required = tokenType.requiredTyp {
            let typ = fields.typ.map { JSONText.string($0, in: header) }
            guard tokenType.accepts(typ: typ) else {
                return .deny(Denial(.typeMismatch, "header typ is \(typ.map { "\"\($0)\"" } ?? "absent"); a \(tokenType.rawValue) token requires \"\(required)\""))
            }
        }
        if rules.checksClaims {
            if let denial = checkClaims(claims, payload: payload, now: now) { return .deny(denial) }
        }
        // 5. Key lookup: by kid when present; never another key for an unknown kid.
        let lookup: KeyLookup
        if let kid = fields.kid {
            lookup = JSONText.withUnescaped(kid, in: header) { keys.lookup(kid: $0, algorithm: algorithm) }
        } else {
            lookup = keys.lookup(kid: nil, algorithm: algorithm)
        }
        let candidates: [any SignatureVerifier]
        switch lookup {
        case .found(let list): candidates = list
        case .notFound:
            if let kid = fields.kid {
                return .deny(Denial(.keyNotFound, "no \(algorithm.rawValue) key with kid \"\(JSONText.string(kid, in: header))\""))
            }
            return .deny(Denial(.keyNotFound, "token has no kid and no key fits \(algorithm.rawValue)"))
        case .unavailable(let why):
            return .deny(Denial(.keysUnavailable, why))
        }
        // 6. Signature, with each candidate key in order.
        for verifier in candidates where verifier.verify(signature: signature, message: signingInput) {
            return .allow(algorithm, verifier, claims.exp)
        }
        return .deny(Denial(.signatureInvalid, candidates.count == 1
            ? "\(algorithm.rawValue) signature does not verify"
            : "\(algorithm.rawValue) signature verifies with none of \(candidates.count) candidate keys"))
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
        if let exp = claims.exp, now >= exp + rules.leeway {
            return Denial(.expired, "token expired at \(exp), \(now - exp) s ago (leeway \(rules.leeway) s)")
        }
        if let nbf = claims.nbf, now + rules.leeway < nbf {
            return Denial(.notYetValid, "token is not valid before \(nbf), \(nbf - now) s from now (leeway \(rules.leeway) s)")
        }
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

    @inline(__always)
    static func find(_ byte: UInt8, in buffer: UnsafeRawBufferPointer, from: Int) -> Int? {
        guard from < buffer.count, let base = buffer.baseAddress else { return nil }
        guard let hit = memchr(base + from, Int32(byte), buffer.count - from) else { return nil }
        return UnsafeRawPointer(hit) - base
    }

    static func segmentDenial(_ token: UnsafeRawBufferPointer) -> Denial {
        let segments = token.reduce(1) { $0 + ($1 == UInt8(ascii: ".") ? 1 : 0) }
        if segments == 5 {
            return Denial(.tokenMalformed, "5 segments: a JWE (encrypted token), which is not supported; a JWS has 3")
        }
        return Denial(.tokenMalformed, "\(segments) segment\(segments == 1 ? "" : "s"); a JWS in compact form has exactly 3")
    }
}
