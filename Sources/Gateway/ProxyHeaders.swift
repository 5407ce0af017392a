import Foundation
import NIOHTTP1

/// The header rewriting of a reverse proxy (RFC 9110 section 7.6): what reaches the upstream
/// and what goes back to the client.
enum ProxyHeaders {
    /// Fields that describe one connection and are never forwarded (RFC 9110 section 7.6.1,
    /// plus the non-standard `Proxy-Connection` and `Keep-Alive`).
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
        "transfer-encoding", "upgrade",
    ]

    /// The request head the upstream receives: the client's method, target (after the
    /// upstream's path prefix), version 1.1 and header fields in order, less hop-by-hop ones
    /// (and those the client's `Connection` names) and any the gateway sets from claims;
    /// framing as the client sent it (`Content-Length` kept, chunked stays chunked); then
    /// `X-Forwarded-For` (the client's address appended), `X-Forwarded-Proto` and
    /// `X-Forwarded-Host`, and the claim headers.
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
            let lower = name.lowercased()
            if lower == "transfer-encoding" {
                chunked = chunked || value.lowercased().contains("chunked")
                continue
            }
            if hopByHop.contains(lower) || connectionTokens.contains(lower) || strippedNames.contains(lower) { continue }
            switch lower {
            case "x-forwarded-for":
                forwardedFor = forwardedFor.map { "\($0), \(value)" } ?? value
                continue
            case "x-forwarded-proto", "x-forwarded-host":
                continue
            case "host":
                if host == nil { host = value }
            default:
                break
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

    /// The response head the client receives: the upstream's status and fields less hop-by-hop
    /// ones (framing is the encoder's: `Content-Length` kept, otherwise chunked for HTTP/1.1
    /// clients), with `Connection: close` when the gateway will close the connection after it.
    static func clientResponse(_ head: HTTPResponseHead, version: HTTPVersion, keepAlive: Bool) -> HTTPResponseHead {
        let connectionTokens = connectionOptions(head.headers)
        var headers = HTTPHeaders()
        headers.reserveCapacity(head.headers.count + 1)
        for (name, value) in head.headers {
            let lower = name.lowercased()
            if hopByHop.contains(lower) || connectionTokens.contains(lower) { continue }
            headers.add(name: name, value: value)
        }
        addConnection(&headers, version: version, keepAlive: keepAlive)
        return HTTPResponseHead(version: version, status: head.status, headers: headers)
    }

    /// `Connection: close` when closing; `Connection: keep-alive` for an HTTP/1.0 client kept open.
    static func addConnection(_ headers: inout HTTPHeaders, version: HTTPVersion, keepAlive: Bool) {
        if !keepAlive {
            headers.add(name: "Connection", value: "close")
        } else if version.major == 1 && version.minor == 0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
    }

    /// The option names a `Connection` field lists (lower-cased): they are hop-by-hop too.
    static func connectionOptions(_ headers: HTTPHeaders) -> Set<String> {
        var names = Set<String>()
        for value in headers["connection"] {
            for token in value.split(separator: ",") {
                names.insert(token.trimmingCharacters(in: .whitespaces).lowercased())
            }
        }
        return names
    }
}
