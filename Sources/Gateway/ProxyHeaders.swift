import NIOHTTP1

/// The header rewriting of a reverse proxy (RFC 9110 section 7.6): what reaches the upstream
/// and what goes back to the client. Names are compared ASCII-case-insensitively in place:
/// lower-casing every field of every request cost more than the rest of the rewrite.
enum ProxyHeaders {
    /// Whether `name` is a field that describes one connection and is never forwarded
    /// (RFC 9110 section 7.6.1, plus the non-standard `Proxy-Connection` and `Keep-Alive`).
    static func isHopByHop(_ name: String) -> Bool { isHopByHop(name.utf8) }

    /// `isHopByHop` on a name's bytes (the upstream's response heads are read as bytes).
    static func isHopByHop<Name: Collection<UInt8>>(_ name: Name) -> Bool {
        func equal(_ lowercase: StaticString) -> Bool {
            let expected = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
            return zip(name, expected).allSatisfy { lower($0) == $1 }
        }
        return switch name.count {
        case 2: equal("te")
        case 7: equal("trailer") || equal("upgrade")
        case 10: equal("connection") || equal("keep-alive")
        case 16: equal("proxy-connection")
        case 17: equal("transfer-encoding")
        case 18: equal("proxy-authenticate")
        case 19: equal("proxy-authorization")
        default: false
        }
    }

    /// The request head the upstream receives: the client's method, target (after the
    /// upstream's path prefix), version 1.1 and header fields in order, less hop-by-hop ones
    /// (and those the client's `Connection` names) and any the gateway sets from claims
    /// (`strippedNames`, lower-case); framing as the client sent it (`Content-Length` kept,
    /// chunked stays chunked); then `X-Forwarded-For` (the client's address appended),
    /// `X-Forwarded-Proto` and `X-Forwarded-Host`, and the claim headers.
    static func upstreamRequest(
        _ head: HTTPRequestHead, target: UpstreamTarget, clientAddress: String?, claimHeaders: [(String, String)],
        strippedNames: [String]
    ) -> HTTPRequestHead {
        let connectionTokens = connectionOptions(head.headers)
        var headers = HTTPHeaders()
        headers.reserveCapacity(head.headers.count + 4 + claimHeaders.count)
        var forwardedFor: String?
        var host: String?
        var chunked = false
        for (name, value) in head.headers {
            if equal(name, "transfer-encoding") {
                chunked = chunked || containsIgnoringCase(value, "chunked")
                continue
            }
            if isHopByHop(name) || connectionTokens.contains(where: { equal(name, $0) })
                || strippedNames.contains(where: { equal(name, $0) })
            {
                continue
            }
            if name.utf8.count >= 15 && hasPrefixIgnoringCase(name, "x-forwarded-") {
                if equal(name, "x-forwarded-for") { forwardedFor = forwardedFor.map { "\($0), \(value)" } ?? value }
                // -Proto and -Host are the gateway's to say; others pass.
                if equal(name, "x-forwarded-for") || equal(name, "x-forwarded-proto") || equal(name, "x-forwarded-host") { continue }
            } else if host == nil && equal(name, "host") {
                host = value
            }
            headers.add(name: name, value: value)
        }
        if chunked {
            // Transfer-Encoding wins over Content-Length (RFC 9112 section 6.3); NIO's parser
            // refuses requests with both, so only chunking needs restating.
            headers.add(name: "Transfer-Encoding", value: "chunked")
        }
        if host == nil { headers.add(name: "Host", value: target.hostHeader) }
        if let clientAddress {
            headers.add(name: "X-Forwarded-For", value: forwardedFor.map { "\($0), \(clientAddress)" } ?? clientAddress)
        } else if let forwardedFor {
            headers.add(name: "X-Forwarded-For", value: forwardedFor)
        }
        headers.add(name: "X-Forwarded-Proto", value: "http")
        if let host { headers.add(name: "X-Forwarded-Host", value: host) }
        for (name, value) in claimHeaders { headers.add(name: name, value: value) }
        let uri = target.pathPrefix.isEmpty ? head.uri : target.pathPrefix + (head.uri.hasPrefix("/") ? head.uri : "/" + head.uri)
        return HTTPRequestHead(version: .http1_1, method: head.method, uri: uri, headers: headers)
    }

    /// `Connection: close` when closing; `Connection: keep-alive` for an HTTP/1.0 client kept open.
    static func addConnection(_ headers: inout HTTPHeaders, version: HTTPVersion, keepAlive: Bool) {
        if !keepAlive {
            headers.add(name: "Connection", value: "close")
        } else if version.major == 1 && version.minor == 0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
    }

    /// The option names the `Connection` fields list (they are hop-by-hop too), as sent;
    /// empty, without allocating, when there is no `Connection` field.
    static func connectionOptions(_ headers: HTTPHeaders) -> [Substring] {
        var names: [Substring] = []
        for (name, value) in headers where equal(name, "connection") {
            for token in value.split(separator: ",") {
                let trimmed = token.drop { $0 == " " || $0 == "\t" }
                let end = trimmed.lastIndex { $0 != " " && $0 != "\t" }
                if let end { names.append(trimmed[...end]) }
            }
        }
        return names
    }

    /// ASCII-case-insensitive equality of two field names (or tokens).
    static func equal<S: StringProtocol>(_ a: String, _ b: S) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        return zip(a.utf8, b.utf8).allSatisfy { lower($0) == lower($1) }
    }

    static func hasPrefixIgnoringCase(_ text: String, _ prefix: String) -> Bool {
        guard text.utf8.count >= prefix.utf8.count else { return false }
        return zip(text.utf8, prefix.utf8).allSatisfy { lower($0) == lower($1) }
    }

    /// Whether `needle` (lower-case) occurs in `text`, ignoring ASCII case.
    static func containsIgnoringCase(_ text: String, _ needle: String) -> Bool {
        let haystack = Array(text.utf8)
        let pattern = Array(needle.utf8)
        guard haystack.count >= pattern.count else { return false }
        for start in 0...(haystack.count - pattern.count)
        where zip(haystack[start..<(start + pattern.count)], pattern).allSatisfy({ lower($0) == $1 }) {
            return true
        }
        return false
    }

    @inline(__always)
    static func lower(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }
}
