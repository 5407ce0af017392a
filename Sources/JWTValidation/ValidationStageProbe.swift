import JOSECrypto

/// Runs one stage of a validation in isolation, for `jwtbench profile` (SPI: not a stable
/// API). Each method repeats exactly the work the validator does for that stage on one
/// prepared token, so the profiler can time stages separately and compare their sum with a
/// whole validation.
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

    /// Prepares `token` (which must be well formed) for stage-by-stage runs.
    public init?(validator: Validator, token: String, now: Int64) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let h = Base64URL.decode(String(parts[0])), let p = Base64URL.decode(String(parts[1])),
              let s = Base64URL.decode(String(parts[2])) else { return nil }
        self.validator = validator
        self.token = token
        self.now = now
        header = h
        payload = p
        signature = s
        signingInput = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        request = HTTPRequest(method: "GET", headers: [HTTPHeader("Accept", "*/*"), HTTPHeader("Authorization", "Bearer " + token)])
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
            var total = 0
            token.utf8.withContiguousStorageIfAvailable { all in
                let raw = UnsafeRawBufferPointer(all)
                withUnsafeTemporaryAllocation(byteCount: raw.count, alignment: 8) { out in
                    var start = 0
                    for i in 0...raw.count where i == raw.count || raw[i] == UInt8(ascii: ".") {
                        total += Base64URL.decode(UnsafeRawBufferPointer(rebasing: raw[start..<i]), into: out) ?? 0
                        start = i + 1
                    }
                }
            }
            return total
        case 2:
            return header.withUnsafeBytes { (try? JOSEHeaderFields.parse($0))?.alg?.start ?? -1 }
        case 3:
            return payload.withUnsafeBytes { (try? ClaimFields.parse($0))?.exp.map(Int.init) ?? -1 }
        case 4:
            return payload.withUnsafeBytes { bytes in
                guard let claims = try? ClaimFields.parse(bytes) else { return -1 }
                return validator.checkClaims(claims, payload: bytes, now: now) == nil ? 1 : 0
            }
        case 5:
            return header.withUnsafeBytes { bytes in
                guard let fields = try? JOSEHeaderFields.parse(bytes), let alg = fields.alg,
                      let algorithm = JSONText.withUnescaped(alg, in: bytes, { JWSAlgorithm.from(bytes: $0) }) else { return -1 }
                let lookup = fields.kid.map { kid in JSONText.withUnescaped(kid, in: bytes) { validator.keys.lookup(kid: $0, algorithm: algorithm) } }
                    ?? validator.keys.lookup(kid: nil, algorithm: algorithm)
                if case .found(let list) = lookup { return list.count }
                return 0
            }
        default:
            return header.withUnsafeBytes { bytes in
                guard let fields = try? JOSEHeaderFields.parse(bytes), let alg = fields.alg,
                      let algorithm = JSONText.withUnescaped(alg, in: bytes, { JWSAlgorithm.from(bytes: $0) }),
                      case .found(let list) = validator.keys.lookup(kid: nil, algorithm: algorithm) else { return -1 }
                return list[0].verify(signature: signature, message: signingInput) ? 1 : 0
            }
        }
    }

    /// The signature stage alone, with the verifier already in hand (the crypto floor).
    public func verifier() -> (any SignatureVerifier)? {
        header.withUnsafeBytes { bytes in
            guard let fields = try? JOSEHeaderFields.parse(bytes), let alg = fields.alg,
                  let algorithm = JSONText.withUnescaped(alg, in: bytes, { JWSAlgorithm.from(bytes: $0) }) else { return nil }
            let lookup = fields.kid.map { kid in JSONText.withUnescaped(kid, in: bytes) { validator.keys.lookup(kid: $0, algorithm: algorithm) } }
                ?? validator.keys.lookup(kid: nil, algorithm: algorithm)
            if case .found(let list) = lookup { return list[0] }
            return nil
        }
    }

    /// Verifies with a given verifier (so the profiler times only the crypto call).
    @inline(never)
    public func verify(with v: any SignatureVerifier) -> Bool { v.verify(signature: signature, message: signingInput) }
}
