import Foundation
import JWTValidation
import Measurement

#if canImport(Glibc)
import Glibc
#endif

/// `load --target http://HOST:PORT/PATH`: a gateway (or anything answering HTTP/1.1) driven
/// over keep-alive connections, each request carrying one token of the set as
/// `Authorization: Bearer <token>`, each answer checked against the token's expectation:
/// allowed is a 2xx, denied the reason's status (401, or 403 for `audience_not_allowed`).
///
/// As a `LoadTarget` it only marks the workload; `LoadDriver.run` hands such a workload to
/// `HTTPLoadDriver`, whose workers multiplex their connections with epoll as wrk does.
public struct HTTPLoadTarget: LoadTarget, Sendable {
    /// The server's IPv4 address and port.
    public let address: sockaddr_in
    /// The request target (path and query) and `Host` header.
    public let path: String
    public let host: String
    /// Keep-alive connections over all threads (`--connections`).
    public let connections: Int
    /// One complete request per token, built once: sending is a `write` of these bytes.
    let requests: [[UInt8]]

    /// A target for `url` (`http://` only; the host a numeric IPv4 address or a name that
    /// resolves to one), sending `tokens` over `connections` connections.
    /// - Throws: `HarnessError.usage` naming what is wrong with the URL.
    public init(url: String, tokens: [String], connections: Int) throws(HarnessError) {
        guard let components = URLComponents(string: url), components.scheme == "http", let host = components.host, !host.isEmpty else {
            throw HarnessError.usage("--target \(url): an http:// URL with a host is needed (https is not driven)")
        }
        guard connections >= 1, connections <= 10_000 else { throw HarnessError.usage("--connections must be 1 to 10000") }
        let port = components.port ?? 80
        guard let address = Self.resolve(host: host, port: port) else {
            throw HarnessError.usage("--target \(url): \(host) does not resolve to an IPv4 address")
        }
        var path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { path += "?" + query }
        let hostHeader = components.port.map { "\(host):\($0)" } ?? host
        self.address = address
        self.path = path
        self.host = hostHeader
        self.connections = connections
        requests = tokens.map { token in
            Array("GET \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\nUser-Agent: jwtbench\r\nAuthorization: Bearer \(token)\r\n\r\n".utf8)
        }
    }

    /// Not called: `LoadDriver.run` drives this target through `HTTPLoadDriver`.
    public func decide(_ index: Int) -> ReasonCode? { nil }

    /// Whether `status` is what a gateway answers for `expected` (nil: allow).
    static func matches(_ status: Int, _ expected: ReasonCode?) -> Bool {
        guard let expected else { return status / 100 == 2 }
        return status == expected.httpStatus
    }

    static func resolve(host: String, port: Int) -> sockaddr_in? {
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(list) }
        guard let raw = first.pointee.ai_addr else { return nil }
        return raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee }
    }
}
