import Foundation

/// An `http(s)://host[:port][/path]` URL split into what configuration files need: Envoy
/// clusters and NGINX upstreams take the host and port apart from the path.
public struct TargetURL: Sendable, Equatable, CustomStringConvertible {
    public let scheme: String
    public let host: String
    public let port: Int
    /// Starts with `/` (`/` when the URL had none).
    public let path: String
    /// The URL as given: what configuration files name.
    public let description: String

    /// Parses `text`; `what` names the option in the error.
    /// - Throws: `TargetConfigError` for anything but an http or https URL with a host.
    public init(parsing text: String, what: String) throws(TargetConfigError) {
        guard let c = URLComponents(string: text), let scheme = c.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = c.host, !host.isEmpty, c.query == nil, c.fragment == nil, c.user == nil
        else {
            throw TargetConfigError("\(what) \"\(text)\" is not an http:// or https:// URL with a host (and no query)")
        }
        self.scheme = scheme
        self.host = host
        self.port = c.port ?? (scheme == "https" ? 443 : 80)
        self.path = c.path.isEmpty ? "/" : c.path
        self.description = text
        guard (1...65535).contains(port) else { throw TargetConfigError("\(what) \"\(text)\": port \(port) is not a TCP port") }
    }

    public var isHTTPS: Bool { scheme == "https" }
    /// Whether the host is this machine (a hosted gateway such as ngrok cannot reach it).
    public var isLoopback: Bool { host == "localhost" || host.hasPrefix("127.") || host == "::1" }
    /// `host:port`, brackets around an IPv6 address.
    public var authority: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }
}
