/// Reads an `application/x-www-form-urlencoded` body (WHATWG URL standard, section 5):
/// `&`-separated `name=value` pairs, `+` for space, `%XX` escapes.
///
/// Stricter than browsers on purpose: a malformed `%` escape or bytes that do not decode to
/// UTF-8 make the body unparseable (`request_unsupported`) instead of being passed through,
/// so two parsers can never disagree about what the token was. Names repeat as sent.
enum RequestBodyFormParser {
    struct Failure: Error, Sendable {
        let message: String
    }

    static func fields(of body: [UInt8]) -> Result<[RequestBodyField], Failure> {
        var fields: [RequestBodyField] = []
        for (number, segment) in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).enumerated() {
            let name: ArraySlice<UInt8>
            let value: ArraySlice<UInt8>
            if let equals = segment.firstIndex(of: UInt8(ascii: "=")) {
                name = segment[segment.startIndex..<equals]
                value = segment[(equals + 1)...]
            } else {
                name = segment
                value = []
            }
            guard let decodedName = decode(name), let decodedValue = decode(value) else {
                return .failure(Failure(message: "field \(number + 1) has an invalid %-escape or is not UTF-8"))
            }
            fields.append(RequestBodyField(name: decodedName, value: .string(decodedValue)))
        }
        return .success(fields)
    }

    private static func decode(_ bytes: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "+"):
                out.append(0x20)
                i += 1
            case UInt8(ascii: "%"):
                guard i + 2 < bytes.endIndex, let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2]) else {
                    return nil
                }
                out.append(high << 4 | low)
                i += 3
            default:
                out.append(c)
                i += 1
            }
        }
        let text = String(decoding: out, as: UTF8.self)
        return text.utf8.elementsEqual(out) ? text : nil
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
