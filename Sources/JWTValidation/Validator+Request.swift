import JOSECrypto

extension Validator {
    /// Validates every configured token of a request; all must be allowed.
    public func validate(request: HTTPRequest, now: Int64) -> RequestDecision {
        validate(request: request, now: now) { token, now, location in validate(token: token, now: now, location: location) }
    }

    /// Like `validate(request:now:)`, each token decided by `decide` (a verified-token cache
    /// in front of this validator, say): extraction and the size check stay here, so every
    /// caller gets the same check order and details.
    public func validate(
        request: HTTPRequest, now: Int64, decide: (_ token: String, _ now: Int64, _ location: TokenLocation) -> Decision
    ) -> RequestDecision {
        let extracted: [ExtractedToken]
        switch TokenExtractor.extract(from: request, locations: locations) {
        case .success(let tokens): extracted = tokens
        case .failure(let denial): return .deny(denial)
        }
        // Size first, for every token, before any parsing (docs/ARCHITECTURE.md, Check order).
        for t in extracted where t.token.utf8.count > rules.maxTokenBytes {
            return .deny(
                Denial(
                    .tokenTooLarge, "token in \(t.locationDescription) is \(t.token.utf8.count) bytes; the limit is \(rules.maxTokenBytes)")
            )
        }
        var verified: [VerifiedToken] = []
        verified.reserveCapacity(extracted.count)
        for t in extracted {
            switch decide(t.token, now, t.location) {
            case .allow(let v): verified.append(v)
            case .deny(let d): return .deny(Denial(d.reason, "\(t.locationDescription): \(d.detail)"))
            }
        }
        return .allow(verified)
    }
}
