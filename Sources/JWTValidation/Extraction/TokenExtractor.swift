#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the configured tokens in a request: the first step of validation (docs/ARCHITECTURE.md,
/// Check order, "extract").
///
/// Every configured location must yield exactly one token, checked in the policy's order; the
/// first failure is the result. Denials are `token_missing` (absent, or present without the
/// prefix), `token_ambiguous` (the same configured token found twice), `request_unsupported`
/// (a body token on a request that cannot carry one, or an unparseable body) and
/// `token_malformed` (a body member that is not a string). Details name the location but
/// never echo header values, which may hold other credentials.
public enum TokenExtractor {
    /// Larger bodies are not parsed: a gateway buffers bodies for token extraction, and 1 MiB
    /// is far more than any form or JSON carrying a token needs.
    public static let maxBodyBytes = 1024 * 1024
    /// The methods whose bodies may carry a token (ngrok's rule: tokens in a body are not
    /// supported on other methods, ERR_NGROK_3415).
    public static let bodyMethods: Set<String> = ["POST", "PUT", "PATCH"]

    /// The tokens at every location, in order, or the first location's denial.
    public static func extract(from request: HTTPRequest, locations: [TokenLocation]) -> Result<[ExtractedToken], Denial> {
        guard !locations.isEmpty else {
            return .failure(Denial(.tokenMissing, "the policy configures no token location"))
        }
        var tokens: [ExtractedToken] = []
        tokens.reserveCapacity(locations.count)
        // Parsed at most once, and only if some location needs it.
        var bodyFields: Result<BodyFields, Denial>?
        for location in locations {
            let found: Result<String, Denial>
            switch location.method {
            case .header:
                found = headerToken(in: request, at: location)
            case .body:
                guard bodyMethods.contains(request.method) else {
                    return .failure(
                        Denial(
                            .requestUnsupported,
                            "\(location) is a body token, which needs a POST, PUT or PATCH request, not \(printable(request.method))"))
                }
                if bodyFields == nil { bodyFields = parseBody(of: request) }
                switch bodyFields! {
                case .failure(let denial): found = .failure(denial)
                case .success(let fields): found = bodyToken(in: fields, at: location)
                }
            }
            switch found {
            case .success(let token): tokens.append(ExtractedToken(location: location, token: token))
            case .failure(let denial): return .failure(denial)
            }
        }
        return .success(tokens)
    }

    // MARK: - Headers

    /// One value per header field, but a proxy may have joined repeated fields with commas
    /// (RFC 9110 section 5.3); a JWS never contains a comma, so splitting on it is safe and
    /// exposes a second token that would otherwise hide in the first one's tail.
    ///
    /// Walks the values' UTF-8 bytes in place (commas found with memchr, OWS and the prefix
    /// compared as bytes): a walk by Characters over a 1 KiB token cost more than the rest of
    /// a validation (35 µs in `jwtbench profile`), and the arrays of a filter over the fields,
    /// of split pieces and of Substrings were a tenth of a gateway request. Only the token
    /// found becomes a String.
    private static func headerToken(in request: HTTPRequest, at location: TokenLocation) -> Result<String, Denial> {
        var prefixText = location.prefix
        var values = 0
        var candidates = 0
        var token: String?
        var prefixWithoutToken = false
        prefixText.withUTF8 { rawPrefix in
            // The configured prefix without leading OWS; the bare scheme also without trailing.
            let prefix = trimmedOWS(rawPrefix, leading: true, trailing: false)
            let bareScheme = trimmedOWS(prefix, leading: false, trailing: true)
            for header in request.headers where HTTPRequest.namesEqual(header.name, location.name) {
                values += 1
                var value = header.value
                value.withUTF8 { bytes in
                    var start = 0
                    while start < bytes.count {
                        let end = offsetOfComma(in: bytes, from: start) ?? bytes.count
                        let part = trimmedOWS(UnsafeBufferPointer(rebasing: bytes[start..<end]), leading: true, trailing: true)
                        start = end + 1
                        if part.isEmpty { continue }
                        if prefix.isEmpty {
                            candidates += 1
                            if candidates == 1 { token = String(decoding: part, as: UTF8.self) }
                        } else if hasPrefixIgnoringASCIICase(part, prefix) {
                            let rest = trimmedOWS(
                                UnsafeBufferPointer(rebasing: part[prefix.count...]), leading: true, trailing: true)
                            if rest.isEmpty {
                                prefixWithoutToken = true
                            } else {
                                candidates += 1
                                if candidates == 1 { token = String(decoding: rest, as: UTF8.self) }
                            }
                        } else if !bareScheme.isEmpty && part.count == bareScheme.count
                            && hasPrefixIgnoringASCIICase(part, bareScheme)
                        {
                            prefixWithoutToken = true
                        }
                    }
                }
            }
        }
        guard values > 0 else {
            return .failure(Denial(.tokenMissing, "no \(location.name) header (\(location))"))
        }
        if candidates > 1 {
            let how = values > 1 ? "\(values) \(location.name) headers" : "a comma-joined \(location.name) value"
            return .failure(
                Denial(
                    .tokenAmbiguous,
                    "\(location) found \(candidates) times (\(how)); send the token once"))
        }
        if candidates == 1, let token { return .success(token) }
        if prefixWithoutToken {
            return .failure(
                Denial(
                    .tokenMissing, "the \(location.name) header has the prefix \(quoted(location.prefix)) but no token (\(location))"))
        }
        if location.prefix.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            return .failure(Denial(.tokenMissing, "the \(location.name) header is empty (\(location))"))
        }
        return .failure(
            Denial(
                .tokenMissing,
                "the \(location.name) header is present but does not start with the prefix \(quoted(location.prefix)) (\(location))"))
    }

    // MARK: - Body

    private struct BodyFields {
        var fields: [RequestBodyField]
        /// "JSON member" or "form field", for details.
        var noun: String
    }

    private static func parseBody(of request: HTTPRequest) -> Result<BodyFields, Denial> {
        guard request.body.count <= maxBodyBytes else {
            return .failure(
                Denial(
                    .requestUnsupported,
                    "the body is \(request.body.count) bytes, more than the \(maxBodyBytes)-byte limit for body tokens"))
        }
        let contentTypes = request.values(forHeader: "Content-Type")
        guard contentTypes.count == 1, let contentType = contentTypes.first else {
            return .failure(
                Denial(
                    .requestUnsupported,
                    contentTypes.isEmpty
                        ? "the request has no Content-Type; a body token needs application/json or application/x-www-form-urlencoded"
                        : "the request has \(contentTypes.count) Content-Type headers"))
        }
        let parameters = contentType.split(separator: ";", omittingEmptySubsequences: false)
        let mediaType = trimOWS(parameters[0], leading: true, trailing: true).lowercased()
        for parameter in parameters.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, trimOWS(pair[0], leading: true, trailing: true).lowercased() == "charset" else { continue }
            var charset = trimOWS(pair[1], leading: true, trailing: true)
            if charset.count >= 2, charset.first == "\"", charset.last == "\"" { charset = charset.dropFirst().dropLast() }
            guard ["utf-8", "utf8", "us-ascii"].contains(charset.lowercased()) else {
                return .failure(
                    Denial(
                        .requestUnsupported, "the body charset \(quoted(String(charset))) is not supported; use UTF-8"))
            }
        }
        switch mediaType {
        case "application/json":
            switch RequestBodyJSONScanner.members(of: request.body) {
            case .success(let fields): return .success(BodyFields(fields: fields, noun: "JSON member"))
            case .failure(let failure):
                return .failure(Denial(.requestUnsupported, "the JSON body cannot be parsed: \(failure.message)"))
            }
        case "application/x-www-form-urlencoded":
            switch RequestBodyFormParser.fields(of: request.body) {
            case .success(let fields): return .success(BodyFields(fields: fields, noun: "form field"))
            case .failure(let failure):
                return .failure(Denial(.requestUnsupported, "the form body cannot be parsed: \(failure.message)"))
            }
        default:
            return .failure(
                Denial(
                    .requestUnsupported,
                    "Content-Type \(quoted(mediaType)) is not supported for body tokens; use application/json or application/x-www-form-urlencoded"
                ))
        }
    }

    private static func bodyToken(in body: BodyFields, at location: TokenLocation) -> Result<String, Denial> {
        let matches = body.fields.filter { $0.name == location.name }
        guard let field = matches.first else {
            return .failure(Denial(.tokenMissing, "the body has no \(body.noun) \(quoted(location.name)) (\(location))"))
        }
        guard matches.count == 1 else {
            return .failure(
                Denial(
                    .tokenAmbiguous, "the body has the \(body.noun) \(quoted(location.name)) \(matches.count) times (\(location))"))
        }
        let value: String
        switch field.value {
        case .string(let text): value = text
        case .null:
            return .failure(Denial(.tokenMissing, "the body \(body.noun) \(quoted(location.name)) is null (\(location))"))
        case .other(let kind):
            return .failure(
                Denial(
                    .tokenMalformed, "the body \(body.noun) \(quoted(location.name)) is \(kind), not a string (\(location))"))
        }
        // A trailing newline is what `curl -d @file` sends; it is never part of a token.
        var token = Substring(value)
        while let c = token.first, c.isWhitespace { token = token.dropFirst() }
        while let c = token.last, c.isWhitespace { token = token.dropLast() }
        if !location.prefix.isEmpty {
            guard hasPrefixIgnoringASCIICase(token.utf8, location.prefix.utf8) else {
                return .failure(
                    Denial(
                        .tokenMissing,
                        "the body \(body.noun) \(quoted(location.name)) does not start with the prefix \(quoted(location.prefix)) (\(location))"
                    ))
            }
            token = trimOWS(dropBytes(token, location.prefix.utf8.count), leading: true, trailing: true)
        }
        guard !token.isEmpty else {
            return .failure(Denial(.tokenMissing, "the body \(body.noun) \(quoted(location.name)) is empty (\(location))"))
        }
        return .success(String(token))
    }

    // MARK: - Text helpers (ASCII rules of HTTP, not Unicode ones)

    /// The offset of the first comma at or after `start` in `bytes`, or nil.
    static func offsetOfComma(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress,
            let hit = memchr(base + start, Int32(UInt8(ascii: ",")), bytes.count - start)
        else { return nil }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
    }

    /// `bytes` without leading and/or trailing optional whitespace (spaces and tabs).
    private static func trimmedOWS(_ bytes: UnsafeBufferPointer<UInt8>, leading: Bool, trailing: Bool) -> UnsafeBufferPointer<UInt8> {
        var lower = 0
        var upper = bytes.count
        if leading { while lower < upper && (bytes[lower] == 0x20 || bytes[lower] == 0x09) { lower += 1 } }
        if trailing { while upper > lower && (bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09) { upper -= 1 } }
        return UnsafeBufferPointer(rebasing: bytes[lower..<upper])
    }

    /// Whether `bytes` starts with `prefix`, ASCII case ignored (header values in place, body
    /// values as UTF-8 views).
    private static func hasPrefixIgnoringASCIICase<Bytes: Collection<UInt8>, Prefix: Collection<UInt8>>(
        _ bytes: Bytes, _ prefix: Prefix
    ) -> Bool {
        guard bytes.count >= prefix.count else { return false }
        return zip(bytes, prefix).allSatisfy { HTTPRequest.asciiLower($0) == HTTPRequest.asciiLower($1) }
    }

    /// Optional whitespace (RFC 9110 section 5.6.3): spaces and tabs.
    private static func trimOWS(_ s: Substring, leading: Bool, trailing: Bool) -> Substring {
        var s = s
        if leading { while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() } }
        if trailing { while let c = s.last, c == " " || c == "\t" { s = s.dropLast() } }
        return s
    }

    /// Drops a matched prefix by bytes, not Characters: a combining mark after the prefix
    /// would otherwise merge with its last character and be dropped with it.
    private static func dropBytes(_ s: Substring, _ count: Int) -> Substring {
        Substring(s.utf8.dropFirst(count))
    }

    private static func quoted(_ s: String) -> String {
        "\"" + printable(s) + "\""
    }

    /// Caller-supplied text made safe for a log line: control and non-ASCII bytes escaped,
    /// length capped.
    private static func printable(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars.prefix(100) {
            out +=
                scalar.isASCII && scalar.value >= 0x20 && scalar.value < 0x7F
                ? String(scalar) : scalar.escaped(asASCII: true)
        }
        return s.unicodeScalars.count > 100 ? out + "..." : out
    }
}
