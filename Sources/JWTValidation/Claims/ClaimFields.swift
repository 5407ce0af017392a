/// The registered claims a decision needs (RFC 7519 section 4.1), as spans and integers.
///
/// Syntax errors throw (the token is malformed); a registered claim of the wrong type is
/// recorded in `invalid` instead, because that is a different reason (`claims_invalid`).
struct ClaimFields {
    enum Audience {
        case absent
        case single(JSONSpan)
        /// The byte range of the array; its elements were checked to be strings.
        case array(Range<Int>)
    }

    var iss: JSONSpan?
    var aud: Audience = .absent
    var exp: Int64?
    var nbf: Int64?
    var iat: Int64?
    /// The token's id, read for the revocation check (a string, else `invalid` is set).
    var jti: JSONSpan?
    /// The first registered claim of the wrong type, with why.
    var invalid: StaticString?

    /// Largest NumericDate we accept: 9999-12-31T23:59:59Z. Larger values are not times any
    /// issuer means, and keeping them out makes every time comparison overflow-free.
    static let maximumTime: Int64 = 253_402_300_799

    static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONScanError) -> ClaimFields {
        var claims = ClaimFields()
        var scanner = JSONScanner(bytes)
        guard (try? scanner.peekKind()) == .object else { throw JSONScanError("the payload is not a JSON object", at: 0) }
        try scanner.forEachMember(depth: 0) { (s: inout JSONScanner, name: JSONSpan) throws(JSONScanError) in
            // Members are dispatched on length first: most claims are not registered ones.
            switch name.unescapedCount {
            case 3:
                if JSONText.equal(name, "iss", in: bytes) {
                    claims.iss = try s.readStringClaim(&claims, "\"iss\" must be a string")
                } else if JSONText.equal(name, "exp", in: bytes) {
                    claims.exp = try s.readTimeClaim(&claims, "\"exp\" must be an integer NumericDate from 0 to 253402300799")
                } else if JSONText.equal(name, "nbf", in: bytes) {
                    claims.nbf = try s.readTimeClaim(&claims, "\"nbf\" must be an integer NumericDate from 0 to 253402300799")
                } else if JSONText.equal(name, "iat", in: bytes) {
                    claims.iat = try s.readTimeClaim(&claims, "\"iat\" must be an integer NumericDate from 0 to 253402300799")
                } else if JSONText.equal(name, "aud", in: bytes) {
                    try s.readAudience(&claims)
                } else if JSONText.equal(name, "jti", in: bytes) {
                    claims.jti = try s.readStringClaim(&claims, "\"sub\" and \"jti\" must be strings")
                } else if JSONText.equal(name, "sub", in: bytes) {
                    _ = try s.readStringClaim(&claims, "\"sub\" and \"jti\" must be strings")
                } else {
                    try s.skipValue(depth: 1)
                }
            default:
                try s.skipValue(depth: 1)
            }
        }
        try scanner.finish()
        return claims
    }
}

extension JSONScanner {
    fileprivate mutating func readStringClaim(_ claims: inout ClaimFields, _ why: StaticString) throws(JSONScanError) -> JSONSpan? {
        if try peekKind() == .string { return try scanString() }
        if claims.invalid == nil { claims.invalid = why }
        try skipValue(depth: 1)
        return nil
    }

    fileprivate mutating func readTimeClaim(_ claims: inout ClaimFields, _ why: StaticString) throws(JSONScanError) -> Int64? {
        guard try peekKind() == .number else {
            if claims.invalid == nil { claims.invalid = why }
            try skipValue(depth: 1)
            return nil
        }
        // A fraction, an exponent (1e400) or a value out of range is consumed but not accepted.
        if let value = try scanNumber(), value >= 0, value <= ClaimFields.maximumTime { return value }
        if claims.invalid == nil { claims.invalid = why }
        return nil
    }

    fileprivate mutating func readAudience(_ claims: inout ClaimFields) throws(JSONScanError) {
        switch try peekKind() {
        case .string:
            claims.aud = .single(try scanString())
        case .array:
            let start = position
            var allStrings = true
            try forEachElement(depth: 1) { (e: inout JSONScanner) throws(JSONScanError) in
                if try e.peekKind() == .string {
                    _ = try e.scanString()
                } else {
                    allStrings = false
                    try e.skipValue(depth: 2)
                }
            }
            if allStrings {
                claims.aud = .array(start..<position)
            } else if claims.invalid == nil {
                claims.invalid = "\"aud\" must be a string or an array of strings"
            }
        default:
            if claims.invalid == nil { claims.invalid = "\"aud\" must be a string or an array of strings" }
            try skipValue(depth: 1)
        }
    }
}
