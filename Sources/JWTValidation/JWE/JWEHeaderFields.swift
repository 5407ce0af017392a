/// The members of a JWE protected header the decryption reads, as spans into the decoded
/// header (RFC 7516 section 4, RFC 7518 section 4.6.1).
///
/// `jwk`, `jku`, `x5u`, `x5c` are validated as JSON and never used: the decryption key comes
/// from the policy only. `epk` is the one key taken from the header; its point is checked to be
/// on the recipient key's curve before use.
struct JWEHeaderFields {
    var alg: JSONSpan?
    var enc: JSONSpan?
    var kid: JSONSpan?
    var cty: JSONSpan?
    var typ: JSONSpan?
    var zip: JSONSpan?
    var critCount: Int?
    var epkKty: JSONSpan?
    var epkCrv: JSONSpan?
    var epkX: JSONSpan?
    var epkY: JSONSpan?
    var apu: JSONSpan?
    var apv: JSONSpan?
    var iv: JSONSpan?
    var tag: JSONSpan?
    /// Whether RFC 7519 section 5.3 replicated claims are present (`iss`, `sub`, `aud`).
    var hasReplicatedClaims = false

    static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONScanError) -> JWEHeaderFields {
        var f = JWEHeaderFields()
        var scanner = JSONScanner(bytes)
        guard (try? scanner.peekKind()) == .object else { throw JSONScanError("the header is not a JSON object", at: 0) }
        try scanner.forEachMember(depth: 0) { (s: inout JSONScanner, name: JSONSpan) throws(JSONScanError) in
            func string(_ message: StaticString) throws(JSONScanError) -> JSONSpan { try s.requireString(message) }
            if JSONText.equal(name, "alg", in: bytes) {
                f.alg = try string("\"alg\" must be a string")
            } else if JSONText.equal(name, "enc", in: bytes) {
                f.enc = try string("\"enc\" must be a string")
            } else if JSONText.equal(name, "kid", in: bytes) {
                f.kid = try string("\"kid\" must be a string")
            } else if JSONText.equal(name, "cty", in: bytes) {
                f.cty = try string("\"cty\" must be a string")
            } else if JSONText.equal(name, "typ", in: bytes) {
                f.typ = try string("\"typ\" must be a string")
            } else if JSONText.equal(name, "zip", in: bytes) {
                f.zip = try string("\"zip\" must be a string")
            } else if JSONText.equal(name, "apu", in: bytes) {
                f.apu = try string("\"apu\" must be a string")
            } else if JSONText.equal(name, "apv", in: bytes) {
                f.apv = try string("\"apv\" must be a string")
            } else if JSONText.equal(name, "iv", in: bytes) {
                f.iv = try string("\"iv\" must be a string")
            } else if JSONText.equal(name, "tag", in: bytes) {
                f.tag = try string("\"tag\" must be a string")
            } else if JSONText.equal(name, "crit", in: bytes) {
                guard try s.peekKind() == .array else { throw JSONScanError("\"crit\" must be an array of strings", at: s.position) }
                var count = 0
                try s.forEachElement(depth: 1) { (e: inout JSONScanner) throws(JSONScanError) in
                    _ = try e.requireString("\"crit\" must be an array of strings")
                    count += 1
                }
                f.critCount = count
            } else if JSONText.equal(name, "epk", in: bytes) {
                guard try s.peekKind() == .object else { throw JSONScanError("\"epk\" must be a JWK object", at: s.position) }
                try s.forEachMember(depth: 1) { (e: inout JSONScanner, member: JSONSpan) throws(JSONScanError) in
                    if JSONText.equal(member, "kty", in: bytes) {
                        f.epkKty = try e.requireString("\"epk.kty\" must be a string")
                    } else if JSONText.equal(member, "crv", in: bytes) {
                        f.epkCrv = try e.requireString("\"epk.crv\" must be a string")
                    } else if JSONText.equal(member, "x", in: bytes) {
                        f.epkX = try e.requireString("\"epk.x\" must be a string")
                    } else if JSONText.equal(member, "y", in: bytes) {
                        f.epkY = try e.requireString("\"epk.y\" must be a string")
                    } else {
                        try e.skipValue(depth: 2)
                    }
                }
            } else {
                if JSONText.equal(name, "iss", in: bytes) || JSONText.equal(name, "sub", in: bytes)
                    || JSONText.equal(name, "aud", in: bytes)
                {
                    f.hasReplicatedClaims = true
                }
                try s.skipValue(depth: 1)
            }
        }
        try scanner.finish()
        return f
    }
}
