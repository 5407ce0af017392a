/// The origin: `http://HOST[:PORT][/PREFIX]`. Requests are forwarded with their path and
/// query appended to the prefix. Plain HTTP only: the gateway and its origin share a host or
/// a private network (TLS to the origin is not supported, and `https` is refused, not ignored).
public struct UpstreamTarget: Sendable, Hashable, CustomStringConvertible {
    /// Host name or address.
    public var host: String
    /// Port (80 when the URL has none).
    public var port: Int
    /// A path prefix without a trailing `/` (empty: none).
    public var pathPrefix: String

    /// Parses `url`.
    public init(url: String) throws(GatewayError) {
        guard url.hasPrefix("http://") else {
            throw GatewayError(
                url.hasPrefix("https://")
                    ? "--upstream \(url): TLS to the upstream is not supported; use http://"
                    : "--upstream \(url): not an http:// URL")
        }
        let rest = url.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let path = rest.dropFirst(authority.count)
        guard !path.contains("?"), !path.contains("#") else {
            throw GatewayError("--upstream \(url): a query or fragment cannot be a prefix")
        }
        guard !authority.isEmpty, !authority.contains("@") else {
            throw GatewayError("--upstream \(url): needs a host (and no user info)")
        }
        let endpoint: SocketEndpoint
        if authority.hasSuffix("]") || !authority.contains(":") {
            endpoint = try SocketEndpoint(parsing: String(authority) + ":80")
        } else {
            endpoint = try SocketEndpoint(parsing: String(authority))
        }
        guard endpoint.port > 0 else { throw GatewayError("--upstream \(url): port 0 cannot be connected to") }
        host = endpoint.host
        port = endpoint.port
        pathPrefix = path.hasSuffix("/") ? String(path.dropLast()) : String(path)
    }

    /// `http://host:port/prefix`.
    public var description: String { "http://\(SocketEndpoint(host: host, port: port))\(pathPrefix)" }

    /// The `Host` header the upstream sees when the client sent none (HTTP/1.0).
    var hostHeader: String { SocketEndpoint(host: host, port: port).description }
}
