/// Reads the top-level members of a JSON object request body, with the strict hot-path
/// `JSONScanner` (RFC 8259, valid UTF-8, bounded nesting).
///
/// Top-level duplicates are kept rather than rejected: a body carrying the token's name twice
/// must be `token_ambiguous` (the extractor decides), never a silent pick as Foundation's
/// `JSONSerialization` would make. Nested objects must still be free of duplicates.
enum RequestBodyJSONScanner {
    struct Failure: Error, Sendable {
        let message: String
    }

    /// The top-level members, in order, duplicates kept.
    static func members(of body: [UInt8]) -> Result<[RequestBodyField], Failure> {
        body.withUnsafeBytes { bytes -> Result<[RequestBodyField], Failure> in
            var scanner = JSONScanner(bytes)
            var fields: [RequestBodyField] = []
            do throws(JSONScanError) {
                guard !bytes.isEmpty else { return .failure(Failure(message: "the body is empty")) }
                guard try scanner.peekKind() == .object else {
                    try scanner.skipValue(depth: 0)
                    return .failure(Failure(message: "the body is JSON but not an object"))
                }
                try scanner.forEachMember(depth: 0, rejectingDuplicates: false) {
                    (s: inout JSONScanner, name: JSONSpan) throws(JSONScanError) in
                    let value: RequestBodyField.Value
                    switch try s.peekKind() {
                    case .string: value = .string(JSONText.string(try s.scanString(), in: bytes))
                    case .null:
                        try s.scanLiteral("null")
                        value = .null
                    case let kind:
                        try s.skipValue(depth: 1)
                        value = .other(describe(kind))
                    }
                    fields.append(RequestBodyField(name: JSONText.string(name, in: bytes), value: value))
                }
                try scanner.finish()
            } catch {
                return .failure(Failure(message: "\(error.message) at byte \(error.offset)"))
            }
            return .success(fields)
        }
    }

    private static func describe(_ kind: JSONScanner.Kind) -> String {
        switch kind {
        case .object: return "an object"
        case .array: return "an array"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .string: return "a string"
        case .null: return "null"
        }
    }
}
