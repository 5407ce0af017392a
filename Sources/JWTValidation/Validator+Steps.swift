import JOSECrypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The validation steps, each once: `Validator.check` runs them in the documented order
/// (docs/ARCHITECTURE.md, Check order), and the stage profiler, the conformance engine's
/// raw-signature cases and the verified-token cache call the same functions instead of
/// copies, so what they time or decide is exactly what a validation does.
extension Validator {
    /// The three segments of a compact JWS, as views into the token's bytes.
    struct Segments {
        var header: UnsafeRawBufferPointer
        var payload: UnsafeRawBufferPointer
        var signature: UnsafeRawBufferPointer
        /// `header.payload`, what the signature covers.
        var signingInput: UnsafeRawBufferPointer
    }

    /// Steps 1 and 2: the size cap, before any work, then exactly three segments.
    @inline(__always)
    func segments(_ token: UnsafeRawBufferPointer) -> Result<Segments, Denial> {
        guard token.count <= rules.maxTokenBytes else {
            return .failure(Denial(.tokenTooLarge, "token is \(token.count) bytes; the limit is \(rules.maxTokenBytes)"))
        }
        guard let base = token.baseAddress, token.count > 0 else { return .failure(Denial(.tokenMalformed, "empty token")) }
        guard let dot1 = Self.find(UInt8(ascii: "."), in: token, from: 0),
            let dot2 = Self.find(UInt8(ascii: "."), in: token, from: dot1 + 1),
            Self.find(UInt8(ascii: "."), in: token, from: dot2 + 1) == nil
        else {
            return .failure(Self.segmentDenial(token))
        }
        let parts = Segments(
            header: UnsafeRawBufferPointer(start: base, count: dot1),
            payload: UnsafeRawBufferPointer(start: base + dot1 + 1, count: dot2 - dot1 - 1),
            signature: UnsafeRawBufferPointer(start: base + dot2 + 1, count: token.count - dot2 - 1),
            signingInput: UnsafeRawBufferPointer(start: base, count: dot2))
        guard parts.header.count > 0 else { return .failure(Denial(.tokenMalformed, "empty header segment")) }
        guard parts.payload.count > 0 || !rules.checksClaims else {
            return .failure(Denial(.tokenMalformed, "empty payload segment"))
        }
        return .success(parts)
    }

    /// Step 3 for one segment: strict base64url into `out`; nil when the text is not.
    @inline(__always)
    static func decode(_ segment: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer, name: StaticString) -> Denial? {
        guard Base64URL.decode(segment, into: out) != nil else {
            return Denial(.tokenMalformed, "\(name) segment is not strict base64url (no padding, no '+' or '/', zero trailing bits)")
        }
        return nil
    }

    /// Step 4: the header's members (syntax only).
    @inline(__always)
    static func parseHeader(_ header: UnsafeRawBufferPointer) -> Result<JOSEHeaderFields, Denial> {
        do {
            return .success(try JOSEHeaderFields.parse(header))
        } catch {
            return .failure(Denial(.tokenMalformed, "header: \(error.message) at byte \(error.offset)"))
        }
    }

    /// Step 5: the registered claims (syntax only; empty when the rules check no claims).
    @inline(__always)
    func parseClaims(_ payload: UnsafeRawBufferPointer) -> Result<ClaimFields, Denial> {
        guard rules.checksClaims else { return .success(ClaimFields()) }
        do {
            return .success(try ClaimFields.parse(payload))
        } catch {
            return .failure(Denial(.tokenMalformed, "payload: \(error.message) at byte \(error.offset)"))
        }
    }

    /// Step 6: the algorithm must be allowed. `none`, in any case, never is.
    @inline(__always)
    func algorithm(_ fields: JOSEHeaderFields, header: UnsafeRawBufferPointer) -> Result<JWSAlgorithm, Denial> {
        guard let algSpan = fields.alg else { return .failure(Denial(.tokenMalformed, "header has no \"alg\"")) }
        let parsed = JSONText.withUnescaped(algSpan, in: header) { JWSAlgorithm.from(bytes: $0) }
        guard let algorithm = parsed, rules.allows(algorithm) else {
            let name = JSONText.string(algSpan, in: header)
            if name.lowercased() == "none" {
                return .failure(Denial(.algorithmNotAllowed, "alg \"\(name)\" (an unsecured token) is never allowed"))
            }
            return .failure(
                Denial(.algorithmNotAllowed, "alg \"\(name)\" is not in the allowed algorithms \(rules.allowedAlgorithms.map(\.rawValue))"))
        }
        return .success(algorithm)
    }

    /// Step 7: what the header asks of the validator: no critical extension (we implement
    /// none), an encoded payload, and the `typ` the token type requires.
    @inline(__always)
    func checkHeader(_ fields: JOSEHeaderFields, header: UnsafeRawBufferPointer, tokenType: TokenType) -> Denial? {
        if fields.critCount != nil {
            let first = fields.firstCrit.map { JSONText.string($0, in: header) } ?? ""
            return Denial(.critUnsupported, "header lists critical extension \"\(first)\", which this validator does not implement")
        }
        if fields.b64 == false {
            return Denial(.critUnsupported, "unencoded payload (\"b64\": false, RFC 7797) is not supported")
        }
        if let required = tokenType.requiredTyp {
            let typ = fields.typ.map { JSONText.string($0, in: header) }
            guard tokenType.accepts(typ: typ) else {
                return Denial(
                    .typeMismatch,
                    "header typ is \(typ.map { "\"\($0)\"" } ?? "absent"); a \(tokenType.rawValue) token requires \"\(required)\"")
            }
        }
        return nil
    }

    /// Step 9: the candidate keys, by `kid` when the header has one; never another key for
    /// an unknown `kid`.
    @inline(__always)
    func candidates(_ fields: JOSEHeaderFields, header: UnsafeRawBufferPointer, algorithm: JWSAlgorithm) -> Result<
        [any SignatureVerifier], Denial
    > {
        let lookup: KeyLookup
        if let kid = fields.kid {
            lookup = JSONText.withUnescaped(kid, in: header) { keys.lookup(kid: $0, algorithm: algorithm) }
        } else {
            lookup = keys.lookup(kid: nil, algorithm: algorithm)
        }
        switch lookup {
        case .found(let list): return .success(list)
        case .notFound:
            if let kid = fields.kid {
                return .failure(Denial(.keyNotFound, "no \(algorithm.rawValue) key with kid \"\(JSONText.string(kid, in: header))\""))
            }
            return .failure(Denial(.keyNotFound, "token has no kid and no key fits \(algorithm.rawValue)"))
        case .unavailable(let why):
            return .failure(Denial(.keysUnavailable, why))
        }
    }

    /// Step 10: the signature, with each candidate key in order; the first that verifies wins.
    @inline(__always)
    static func verify(
        _ signature: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer, candidates: [any SignatureVerifier],
        algorithm: JWSAlgorithm
    ) -> Result<any SignatureVerifier, Denial> {
        for verifier in candidates where verifier.verify(signature: signature, message: message) {
            return .success(verifier)
        }
        return .failure(
            Denial(
                .signatureInvalid,
                candidates.count == 1
                    ? "\(algorithm.rawValue) signature does not verify"
                    : "\(algorithm.rawValue) signature verifies with none of \(candidates.count) candidate keys"))
    }

    /// A raw signature over `message` with the keys for `algorithm` (no `kid`): steps 9 and
    /// 10 alone, for the primitive vector suites, which have no token around the signature.
    public func verify(signature: [UInt8], message: [UInt8], algorithm: JWSAlgorithm) -> Result<String, Denial> {
        switch keys.lookup(kid: nil, algorithm: algorithm) {
        case .found(let list):
            let result = signature.withUnsafeBytes { s in
                message.withUnsafeBytes { m in Self.verify(s, message: m, candidates: list, algorithm: algorithm) }
            }
            return result.map(\.backendName)
        case .notFound:
            return .failure(Denial(.keyNotFound, "no key fits \(algorithm.rawValue)"))
        case .unavailable(let why):
            return .failure(Denial(.keysUnavailable, why))
        }
    }

    @inline(__always)
    static func find(_ byte: UInt8, in buffer: UnsafeRawBufferPointer, from: Int) -> Int? {
        guard from < buffer.count, let base = buffer.baseAddress else { return nil }
        guard let hit = memchr(base + from, Int32(byte), buffer.count - from) else { return nil }
        return UnsafeRawPointer(hit) - base
    }

    static func dotCount(_ token: UnsafeRawBufferPointer) -> Int {
        token.reduce(0) { $0 + ($1 == UInt8(ascii: ".") ? 1 : 0) }
    }

    static func segmentDenial(_ token: UnsafeRawBufferPointer) -> Denial {
        let segments = token.reduce(1) { $0 + ($1 == UInt8(ascii: ".") ? 1 : 0) }
        if segments == 5 {
            return Denial(.tokenMalformed, "5 segments: a JWE (encrypted token), which is not supported; a JWS has 3")
        }
        return Denial(.tokenMalformed, "\(segments) segment\(segments == 1 ? "" : "s"); a JWS in compact form has exactly 3")
    }
}
