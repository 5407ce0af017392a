import JOSECrypto

/// Runs the stages of a validation, for `jwtbench profile` (SPI: not a stable API). Each stage
/// calls the validator's own step (`Validator+Steps.swift`). `run(through:)` runs the stages
/// from the first up to one, as a request validation does (`validate(request:now:)`): the
/// profiler times each prefix in the same rounds and takes a stage's cost as the difference of
/// two prefixes, so the stages add up to the last prefix (which is a whole request validation).
/// `run(stage:)` runs one stage alone, on prepared inputs (bench/'s Stages benchmarks).
@_spi(Profiling)
public struct ValidationStageProbe: Sendable {
    public let validator: Validator
    public let token: String
    public let now: Int64
    private let header: [UInt8]
    private let payload: [UInt8]
    private let signature: [UInt8]
    private let signingInput: [UInt8]
    private let request: HTTPRequest
    private let algorithm: JWSAlgorithm

    /// Prepares `token` for stage-by-stage runs; nil unless the validator allows it (a stage
    /// of a denied token would time a different path).
    public init?(validator: Validator, token: String, now: Int64) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let h = Base64URL.decode(String(parts[0])), let p = Base64URL.decode(String(parts[1])),
            let s = Base64URL.decode(String(parts[2])),
            case .allow(let verified) = validator.validate(token: token, now: now), let verifiedAlgorithm = verified.algorithm
        else { return nil }
        self.validator = validator
        self.token = token
        self.now = now
        header = h
        payload = p
        signature = s
        algorithm = verifiedAlgorithm
        signingInput = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        // Just the header the token is in: extraction then costs what the token's own lookup costs.
        request = HTTPRequest(method: "GET", headers: [HTTPHeader("Authorization", "Bearer " + token)])
    }

    /// The stage names, in validation order.
    public static let stages = ["extraction", "base64url", "header parse", "claims parse", "claim checks", "key lookup", "signature"]

    /// Runs stage `index` of `stages` once; the result only keeps the optimiser honest.
    @inline(never)
    public func run(stage index: Int) -> Int {
        switch index {
        case 0:
            if case .success(let t) = TokenExtractor.extract(from: request, locations: validator.locations) { return t.count }
            return 0
        case 1:
            return decodeSegments()
        case 2:
            return header.withUnsafeBytes { bytes in
                guard case .success(let fields) = Validator.parseHeader(bytes),
                    case .success(let alg) = validator.algorithm(fields, header: bytes),
                    validator.checkHeader(fields, header: bytes, tokenType: validator.rules.tokenType) == nil
                else { return -1 }
                return alg.ordinal
            }
        case 3:
            return payload.withUnsafeBytes { bytes in
                guard case .success(let claims) = validator.parseClaims(bytes) else { return -1 }
                return claims.exp.map(Int.init) ?? 0
            }
        case 4:
            return payload.withUnsafeBytes { bytes in
                guard case .success(let claims) = validator.parseClaims(bytes) else { return -1 }
                return validator.checkClaims(claims, payload: bytes, now: now) == nil ? 1 : 0
            }
        case 5:
            return header.withUnsafeBytes { bytes in
                guard case .success(let fields) = Validator.parseHeader(bytes),
                    case .success(let list) = validator.candidates(fields, header: bytes, algorithm: algorithm)
                else { return -1 }
                return list.count
            }
        default:
            guard let verifier = verifier() else { return -1 }
            return signature.withUnsafeBytes { s in
                signingInput.withUnsafeBytes { m in
                    if case .success = Validator.verify(s, message: m, candidates: [verifier], algorithm: algorithm) { return 1 }
                    return 0
                }
            }
        }
    }

    /// A whole request validation of the probe's request (extraction, then
    /// `validate(token:now:location:)`): what the prefixes of `run(through:)` add up to.
    @inline(never)
    public func validateRequest() -> Int {
        if case .allow(let tokens) = validator.validate(request: request, now: now) { return tokens.count }
        return 0
    }

    /// Runs stages 0 through `last` of `stages` on the probe's request, in order, each on the
    /// previous one's output (the extracted token, its decoded segments, the parsed header and
    /// claims, the candidate keys); the result only keeps the optimiser honest (negative: a stage
    /// failed, which an allowed token never does).
    @inline(never)
    public func run(through last: Int) -> Int {
        guard case .success(let extracted) = TokenExtractor.extract(from: request, locations: validator.locations),
            let first = extracted.first, first.token.utf8.count <= validator.rules.maxTokenBytes
        else { return -1 }
        if last <= 0 { return extracted.count }
        let token = first.token
        return token.utf8.withContiguousStorageIfAvailable { all -> Int in
            decodedStages(through: last, token: UnsafeRawBufferPointer(all), tokenType: first.location.type)
        } ?? -1
    }

    /// Stages 1 ("base64url") through `last` on one token's bytes.
    private func decodedStages(through last: Int, token: UnsafeRawBufferPointer, tokenType: TokenType) -> Int {
        guard case .success(let parts) = validator.segments(token),
            let headerCount = Base64URL.decodedCount(parts.header.count),
            let payloadCount = Base64URL.decodedCount(parts.payload.count),
            let signatureCount = Base64URL.decodedCount(parts.signature.count)
        else { return -1 }
        return withUnsafeTemporaryAllocation(byteCount: headerCount + payloadCount + signatureCount + 3, alignment: 8) { buffer -> Int in
            let headerOut = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<headerCount])
            let payloadOut = UnsafeMutableRawBufferPointer(rebasing: buffer[headerCount..<(headerCount + payloadCount)])
            let signatureOut = UnsafeMutableRawBufferPointer(
                rebasing: buffer[(headerCount + payloadCount)..<(headerCount + payloadCount + signatureCount)])
            guard Validator.decode(parts.header, into: headerOut, name: "header") == nil,
                Validator.decode(parts.payload, into: payloadOut, name: "payload") == nil,
                Validator.decode(parts.signature, into: signatureOut, name: "signature") == nil
            else { return -1 }
            if last == 1 { return headerCount + payloadCount + signatureCount }
            let header = UnsafeRawBufferPointer(headerOut)
            let payload = UnsafeRawBufferPointer(payloadOut)
            let signature = UnsafeRawBufferPointer(signatureOut)
            guard case .success(let fields) = Validator.parseHeader(header),
                case .success(let alg) = validator.algorithm(fields, header: header), signature.count > 0,
                validator.checkHeader(fields, header: header, tokenType: tokenType) == nil
            else { return -1 }
            if last == 2 { return alg.ordinal }
            guard case .success(let claims) = validator.parseClaims(payload) else { return -1 }
            if last == 3 { return claims.exp.map(Int.init) ?? 0 }
            if validator.rules.checksClaims, validator.checkClaims(claims, payload: payload, now: now) != nil { return -1 }
            if last == 4 { return 1 }
            guard case .success(let list) = validator.candidates(fields, header: header, algorithm: alg) else { return -1 }
            if last == 5 { return list.count }
            guard case .success = Validator.verify(signature, message: parts.signingInput, candidates: list, algorithm: alg) else {
                return -1
            }
            return 1
        }
    }

    /// The base64url stage: the size and segment checks, then the three strict decodes.
    private func decodeSegments() -> Int {
        token.utf8.withContiguousStorageIfAvailable { all -> Int in
            let raw = UnsafeRawBufferPointer(all)
            guard case .success(let parts) = validator.segments(raw) else { return -1 }
            return withUnsafeTemporaryAllocation(byteCount: raw.count, alignment: 8) { out -> Int in
                var total = 0
                func decode(_ segment: UnsafeRawBufferPointer, _ name: StaticString) {
                    let target = UnsafeMutableRawBufferPointer(rebasing: out[0..<(Base64URL.decodedCount(segment.count) ?? 0)])
                    if Validator.decode(segment, into: target, name: name) == nil { total += target.count }
                }
                decode(parts.header, "header")
                decode(parts.payload, "payload")
                decode(parts.signature, "signature")
                return total
            }
        } ?? -1
    }

    /// The verifier the validator's key lookup picks for this token (the crypto floor).
    public func verifier() -> (any SignatureVerifier)? {
        header.withUnsafeBytes { bytes in
            guard case .success(let fields) = Validator.parseHeader(bytes),
                case .success(let list) = validator.candidates(fields, header: bytes, algorithm: algorithm)
            else { return nil }
            return list.first
        }
    }

    /// Verifies with a given verifier (so the profiler times only the crypto call).
    @inline(never)
    public func verify(with v: any SignatureVerifier) -> Bool { v.verify(signature: signature, message: signingInput) }
}
