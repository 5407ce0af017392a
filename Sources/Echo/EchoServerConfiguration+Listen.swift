extension EchoServer.Configuration {
    /// A configuration listening on `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (loopback: a short
    /// flag never exposes the echo upstream to the network by accident).
    /// - Throws: `EchoError` when `listen` is not one of those forms or the port not 0 to 65535.
    public init(listen: String) throws(EchoError) {
        let host: Substring
        let port: Substring
        if listen.hasPrefix("[") {
            guard let close = listen.firstIndex(of: "]"), listen[listen.index(after: close)...].hasPrefix(":") else {
                throw EchoError("\"\(listen)\" is not HOST:PORT")
            }
            host = listen[listen.index(after: listen.startIndex)..<close]
            port = listen[listen.index(close, offsetBy: 2)...]
        } else {
            guard let colon = listen.lastIndex(of: ":") else { throw EchoError("\"\(listen)\" is not HOST:PORT") }
            host = listen[..<colon]
            port = listen[listen.index(after: colon)...]
        }
        guard let number = Int(port), (0...65535).contains(number) else {
            throw EchoError("\"\(listen)\": the port must be 0 to 65535")
        }
        self.init(host: host.isEmpty ? "127.0.0.1" : String(host), port: number)
    }
}
