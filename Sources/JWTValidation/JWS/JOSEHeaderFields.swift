/// The JOSE header members a decision needs, as spans into the decoded header.
///
/// `jwk`, `jku`, `x5u` and `x5c` are validated as JSON and otherwise ignored: a key named by the
/// token itself is never trusted (the "embedded jwk" and "jku redirect" attack classes).
struct JOSEHeaderFields {
    var alg: JSONSpan?
    var kid: JSONSpan?
    var typ: JSONSpan?
    /// Names listed in `crit` (nil when absent).
    var critCount: Int?
    var firstCrit: JSONSpan?
    /// The RFC 7797 `b64` member, when present.
    var b64: Bool?

    /// Parses a decoded header; type errors of the members we read are syntax errors here,
    /// since the header is part of the token's structure.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONScanError) -> JOSEHeaderFields {
        var fields = JOSEHeaderFields()
        var scanner = JSONScanner(bytes)
        guard (try? scanner.peekKind()) == .object else { throw JSONScanError("the header is not a JSON object", at: 0) }
        try scanner.forEachMember(depth: 0) { (s: inout JSONScanner, name: JSONSpan) throws(JSONScanError) in
            if JSONText.equal(name, "alg", in: bytes) {
                fields.alg = try s.requireString("\"alg\" must be a string")
            } else if JSONText.equal(name, "kid", in: bytes) {
                fields.kid = try s.requireString("\"kid\" must be a string")
            } else if JSONText.equal(name, "typ", in: bytes) {
                fields.typ = try s.requireString("\"typ\" must be a string")
            } else if JSONText.equal(name, "crit", in: bytes) {
                guard try s.peekKind() == .array else { throw JSONScanError("\"crit\" must be an array of strings", at: s.position) }
                var count = 0
                var first: JSONSpan?
                try s.forEachElement(depth: 1) { (e: inout JSONScanner) throws(JSONScanError) in
                    let span = try e.requireString("\"crit\" must be an array of strings")
                    if first == nil { first = span }
                    count += 1
                }
                // RFC 7515 4.1.11: crit, when present, must not be empty.
                guard count > 0 else { throw JSONScanError("\"crit\" must not be empty", at: s.position) }
                fields.critCount = count
                fields.firstCrit = first
            } else if JSONText.equal(name, "b64", in: bytes) {
                guard try s.peekKind() == .bool else { throw JSONScanError("\"b64\" must be a boolean", at: s.position) }
                fields.b64 = try s.scanBool()
            } else {
                try s.skipValue(depth: 1)
            }
        }
        try scanner.finish()
        return fields
    }
}

extension JSONScanner {
    /// Reads a string value or throws `message`.
    mutating func requireString(_ message: StaticString) throws(JSONScanError) -> JSONSpan {
        guard try peekKind() == .string else { throw JSONScanError("\(message)", at: position) }
        return try scanString()
    }
}
