import NIOCore
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

    /// Writes the request head the upstream receives into `buffer`, as bytes (no
    /// `HTTPRequestHead` and no NIOHTTP1 encoder in between: building the head's fields as
    /// `String`s and encoding them again cost a tenth of a gateway request's CPU). The
    /// client's method, target (after the upstream's path prefix), version 1.1 and header
    /// fields in order, less hop-by-hop ones (and those the client's `Connection` names) and
    /// any the gateway sets from claims (`strippedNames`, lower-case); framing as the client
    /// sent it (`Content-Length` kept, chunked stays chunked); then `X-Forwarded-For` (the
    /// client's address appended), `X-Forwarded-Proto` and `X-Forwarded-Host`, and the claim
    /// headers. The fields come from NIO's request parser (no CR, LF or NUL in them) and the
    /// claim values from `ClaimHeaderValues` (no control characters), so nothing written can
    /// split a field.
    /// - Returns: whether the body goes chunked (the caller frames it, `UpstreamBodyFraming`).
    @discardableResult
    static func writeUpstreamRequest(
        _ head: HTTPRequestHead, target: UpstreamTarget, clientAddress: String?, claimHeaders: [(String, String)],
        strippedNames: [String], into buffer: inout ByteBuffer
    ) -> Bool {
        let connectionTokens = connectionOptions(head.headers)
        buffer.writeString(head.method.rawValue)
        buffer.writeStaticString(" ")
        if !target.pathPrefix.isEmpty {
            buffer.writeString(target.pathPrefix)
            if !head.uri.hasPrefix("/") { buffer.writeStaticString("/") }
        }
        buffer.writeString(head.uri)
        buffer.writeStaticString(" HTTP/1.1\r\n")
        var forwardedFor: [String] = []
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
                if equal(name, "x-forwarded-for") { forwardedFor.append(value) }
                // -Proto and -Host are the gateway's to say; others pass.
                if equal(name, "x-forwarded-for") || equal(name, "x-forwarded-proto") || equal(name, "x-forwarded-host") { continue }
            } else if host == nil && equal(name, "host") {
                host = value
            }
            writeField(name, value, into: &buffer)
        }
        if chunked {
            // Transfer-Encoding wins over Content-Length (RFC 9112 section 6.3); NIO's parser
            // refuses requests with both, so only chunking needs restating.
            buffer.writeStaticString("Transfer-Encoding: chunked\r\n")
        }
        if host == nil { writeField("Host", target.hostHeader, into: &buffer) }
        if clientAddress != nil || !forwardedFor.isEmpty {
            // The earlier hops' list, then this client: one field (RFC 7239's de facto form).
            buffer.writeStaticString("X-Forwarded-For: ")
            for (index, value) in forwardedFor.enumerated() {
                if index > 0 { buffer.writeStaticString(", ") }
                buffer.writeString(value)
            }
            if let clientAddress {
                if !forwardedFor.isEmpty { buffer.writeStaticString(", ") }
                buffer.writeString(clientAddress)
            }
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("X-Forwarded-Proto: http\r\n")
        if let host { writeField("X-Forwarded-Host", host, into: &buffer) }
        for (name, value) in claimHeaders { writeField(name, value, into: &buffer) }
        buffer.writeStaticString("\r\n")
        return chunked
    }

    /// `name: value` CRLF, copied in one reservation: four `writeString`s per field, each
    /// checking the buffer's capacity and uniqueness, cost more than the copying.
    private static func writeField(_ name: String, _ value: String, into buffer: inout ByteBuffer) {
        var name = name
        var value = value
        name.withUTF8 { name in
            value.withUTF8 { value in
                let count = name.count + value.count + 4
                buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { out in
                    let base = out.baseAddress!
                    if name.count > 0 { base.copyMemory(from: name.baseAddress!, byteCount: name.count) }
                    base.storeBytes(of: UInt8(ascii: ":"), toByteOffset: name.count, as: UInt8.self)
                    base.storeBytes(of: UInt8(ascii: " "), toByteOffset: name.count + 1, as: UInt8.self)
                    if value.count > 0 { (base + name.count + 2).copyMemory(from: value.baseAddress!, byteCount: value.count) }
                    base.storeBytes(of: UInt8(ascii: "\r"), toByteOffset: count - 2, as: UInt8.self)
                    base.storeBytes(of: UInt8(ascii: "\n"), toByteOffset: count - 1, as: UInt8.self)
                    return count
                }
            }
        }
    }

    /// The first transfer coding of the request other than a single `chunked`, or nil. NIO's
    /// parser frames a body chunked when the last coding is `chunked` and hands it on
    /// de-chunked; any other coding (`gzip, chunked`) would reach the upstream unannounced.
    static func unsupportedTransferCoding(_ headers: HTTPHeaders) -> Substring? {
        var chunked = 0
        for (name, value) in headers where equal(name, "transfer-encoding") {
            for coding in listMembers(value) {
                guard equal("chunked", coding), chunked == 0 else { return coding }
                chunked += 1
            }
        }
        return nil
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
        for (name, value) in headers where equal(name, "connection") { names += listMembers(value) }
        return names
    }

    /// The members of a comma-separated field value (RFC 9110 section 5.6.1), each without
    /// its surrounding spaces and tabs; empty members are left out.
    static func listMembers(_ value: String) -> [Substring] {
        value.split(separator: ",").compactMap { member in
            let trimmed = member.drop { $0 == " " || $0 == "\t" }
            return trimmed.lastIndex { $0 != " " && $0 != "\t" }.map { trimmed[...$0] }
        }
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
