import Measurement

/// How a gateway runs: where it listens, where it forwards, its limits and timeouts. The
/// policy (what is allowed) is separate: `GatewayPolicy`, reloadable while running.
public struct GatewayConfiguration: Sendable {
    /// The proxy's listen address (port 0: an ephemeral port, see `Gateway.port`).
    public var listen: SocketEndpoint
    /// The origin every allowed request is forwarded to.
    public var upstream: UpstreamTarget
    /// The admin listener (`/ready`, `/healthz`, `/metrics`); nil: none.
    public var admin: SocketEndpoint?
    /// Event-loop threads (each with its own upstream connection pool).
    public var threads: Int
    /// A fixed clock (seconds since the epoch) for tests and replays; nil: the system clock.
    public var now: Int64?
    /// Limits on what a client may send.
    public var limits: Limits
    /// Timeouts on clients and the upstream.
    public var timeouts: Timeouts

    /// Limits on requests. Over a header limit: 431; a buffered body over `maxBodyBytes`: 413.
    public struct Limits: Sendable, Hashable {
        /// The largest request head (request line and header fields, in bytes).
        public var maxHeaderBytes: Int = 64 * 1024
        /// The most header fields in one request (Envoy's default is 100).
        public var maxHeaderCount: Int = 100
        /// The largest body read into memory: only requests whose policy takes a token from
        /// the body are buffered; others stream to the upstream whatever their size.
        public var maxBodyBytes: Int = 1 << 20
        /// Idle upstream connections kept per event loop.
        public var maxIdleUpstreamConnections: Int = 128

        /// The defaults.
        public init() {}
    }

    /// Timeouts. A client that stalls is answered 408 (while its request is incomplete) or
    /// closed; an upstream that does not answer in time is answered 504.
    public struct Timeouts: Sendable, Hashable {
        /// From a request's first byte to its complete head (slowloris).
        public var requestHeader: Duration = .seconds(10)
        /// Longest pause between reads of a request body.
        public var requestBodyIdle: Duration = .seconds(30)
        /// How long an idle keep-alive client connection is kept.
        public var keepAliveIdle: Duration = .seconds(60)
        /// Connecting to the upstream (then 502).
        public var upstreamConnect: Duration = .seconds(5)
        /// From the request's last byte sent to the upstream's response head (then 504).
        public var upstreamResponse: Duration = .seconds(30)
        /// On SIGTERM: how long in-flight requests may take before the gateway exits anyway.
        public var drain: Duration = .seconds(30)

        /// The defaults.
        public init() {}
    }

    /// A configuration with the default limits and timeouts.
    public init(
        listen: SocketEndpoint = SocketEndpoint(host: "127.0.0.1", port: 8080), upstream: UpstreamTarget,
        admin: SocketEndpoint? = nil, threads: Int = 1, now: Int64? = nil
    ) {
        self.listen = listen
        self.upstream = upstream
        self.admin = admin
        self.threads = threads
        self.now = now
        limits = Limits()
        timeouts = Timeouts()
    }
}

/// A host and port to listen on or connect to.
public struct SocketEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// An IP address or a name (`localhost`).
    public var host: String
    /// 0 to 65535 (0 to listen on an ephemeral port).
    public var port: Int

    /// An endpoint as given.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `HOST:PORT`, `[IPv6]:PORT` or `:PORT`. A bare `:PORT` means loopback, not every
    /// interface, so a short flag never exposes the gateway by accident.
    public init(parsing text: String) throws(GatewayError) {
        let (host, port): (Substring, Substring)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw GatewayError("\"\(text)\" is not HOST:PORT")
            }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw GatewayError("\"\(text)\" is not HOST:PORT") }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard let number = Int(port), (0...65535).contains(number) else {
            throw GatewayError("\"\(text)\": the port must be 0 to 65535")
        }
        self.init(host: host.isEmpty ? "127.0.0.1" : String(host), port: number)
    }

    /// `host:port`, with brackets around an IPv6 address.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
