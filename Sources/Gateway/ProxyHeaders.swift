import NIOCore
import NIOHTTP1

/// The header rewriting of a reverse proxy (RFC 9110 section 7.6): what reaches the upstream
/// and what goes back to the client. Names are compared ASCII-case-insensitively in place:
/// lower-casing every field of every request cost more than the rest of the rewrite.
enum ProxyHeaders {
    /// Whether the field named `name` describes one connection and is never forwarded
    /// (RFC 9110 section 7.6.1, plus the non-standard `Proxy-Connection` and `Keep-Alive`).
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

    /// Writes the request head the upstream receives into `buffer`, from the client's head
    /// as it came (no `String` per field, no NIOHTTP1 encoder: decoding the client's fields
    /// and encoding them again was a fifth of a gateway request's user time). The client's
    /// method, target (after the upstream's path prefix), version 1.1 and header fields in
    /// order, less hop-by-hop ones (and those the client's `Connection` names) and any the
    /// gateway sets from claims (`strippedNames`, lower-case); framing as the client sent it
    /// (`Content-Length` kept, chunked stays chunked); then `X-Forwarded-For` (the client's
    /// address appended), `X-Forwarded-Proto` and `X-Forwarded-Host`, and the claim headers.
    /// The fields passed `ClientRequestParser` (no CR, LF or NUL in them) and the claim values
    /// `ClaimHeaderValues` (no control characters), so nothing written can split a field.
    /// - Returns: whether the body goes chunked (the caller frames it, `UpstreamBodyFraming`).
    @discardableResult
    static func writeUpstreamRequest(
        _ head: ClientRequestHead, target: UpstreamTarget, clientAddress: String?, claimHeaders: [(String, String)],
        strippedNames: [[UInt8]], into buffer: inout ByteBuffer
    ) -> Bool {
        buffer.writeString(head.method.rawValue)
        buffer.writeStaticString(" ")
        head.withTarget { uri in
            if !target.pathPrefix.isEmpty {
                buffer.writeString(target.pathPrefix)
                if uri.first != UInt8(ascii: "/") { buffer.writeStaticString("/") }
            }
            buffer.writeBytes(uri)
        }
        buffer.writeStaticString(" HTTP/1.1\r\n")
        let chunked = head.framing == .chunked
        var host: UnsafeRawBufferPointer?
        var forwardedFor = 0
        head.bytes.withUnsafeReadableBytes { bytes in
            // The option names of the client's `Connection` fields (hop-by-hop too), in place;
            // nothing allocated without such a field.
            var options: [UnsafeRawBufferPointer] = []
            for field in head.fields where field.nameEnd - field.nameStart == 10 {
                guard HTTPSyntax.equal(field.name(in: bytes), "connection") else { continue }
                HTTPSyntax.forEachToken(field.value(in: bytes)) { options.append($0) }
            }
            for field in head.fields {
                let name = field.name(in: bytes)
                if isHopByHop(name) || strippedNames.contains(where: { HTTPSyntax.equal(name, $0) }) { continue }
                if !options.isEmpty && options.contains(where: { equalIgnoringCase(name, $0) }) { continue }
                if name.count >= 15 && HTTPSyntax.equal(UnsafeRawBufferPointer(rebasing: name[..<12]), "x-forwarded-") {
                    if HTTPSyntax.equal(name, "x-forwarded-for") { forwardedFor += 1 }
                    // -For is joined below; -Proto and -Host are the gateway's to say; others pass.
                    if HTTPSyntax.equal(name, "x-forwarded-for") || HTTPSyntax.equal(name, "x-forwarded-proto")
                        || HTTPSyntax.equal(name, "x-forwarded-host")
                    {
                        continue
                    }
                } else if host == nil && HTTPSyntax.equal(name, "host") {
                    host = field.value(in: bytes)
                }
                writeField(name, field.value(in: bytes), into: &buffer)
            }
            if chunked {
                // Restated: the client's field may list other codings (answered 501 before
                // this) and is hop-by-hop. Content-Length never comes with it (the parser
                // refuses both).
                buffer.writeStaticString("Transfer-Encoding: chunked\r\n")
            }
            if host == nil {
                var value = target.hostHeader
                value.withUTF8 { writeField("Host", UnsafeRawBufferPointer($0), into: &buffer) }
            }
            if clientAddress != nil || forwardedFor > 0 {
                // The earlier hops' list, then this client: one field (RFC 7239's de facto form).
                buffer.writeStaticString("X-Forwarded-For: ")
                var first = true
                for field in head.fields where forwardedFor > 0 && field.nameEnd - field.nameStart == 15 {
                    guard HTTPSyntax.equal(field.name(in: bytes), "x-forwarded-for") else { continue }
                    if !first { buffer.writeStaticString(", ") }
                    buffer.writeBytes(field.value(in: bytes))
                    first = false
                }
                if let clientAddress {
                    if !first { buffer.writeStaticString(", ") }
                    buffer.writeString(clientAddress)
                }
                buffer.writeStaticString("\r\n")
            }
            buffer.writeStaticString("X-Forwarded-Proto: http\r\n")
            if let host { writeField("X-Forwarded-Host", host, into: &buffer) }
        }
        for (name, value) in claimHeaders { writeField(name, value, into: &buffer) }
        buffer.writeStaticString("\r\n")
        return chunked
    }

    /// `name: value` CRLF, copied in one reservation: four writes per field, each checking
    /// the buffer's capacity and uniqueness, cost more than the copying.
    private static func writeField(_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, into buffer: inout ByteBuffer) {
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

    private static func writeField(_ name: String, _ value: String, into buffer: inout ByteBuffer) {
        var name = name
        var value = value
        name.withUTF8 { name in
            value.withUTF8 { value in writeField(UnsafeRawBufferPointer(name), UnsafeRawBufferPointer(value), into: &buffer) }
        }
    }

    private static func writeField(_ name: StaticString, _ value: UnsafeRawBufferPointer, into buffer: inout ByteBuffer) {
        writeField(UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount), value, into: &buffer)
    }

    /// ASCII-case-insensitive equality of two byte strings.
    static func equalIgnoringCase(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { lower($0) == lower($1) }
    }

    @inline(__always)
    static func lower(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }
}
