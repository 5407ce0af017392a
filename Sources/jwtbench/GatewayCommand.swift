import ArgumentParser
import Foundation
import Gateway
import Measurement

/// `jwtbench gateway`: the policy enforced in front of an upstream (a reverse proxy).
struct GatewayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Enforce an ngrok jwt-validation policy in front of an upstream: an HTTP/1.1 reverse proxy.",
        discussion: """
            Every request runs the policy's jwt-validation action; allowed requests are \
            forwarded to --upstream (hop-by-hop headers removed, X-Forwarded-For, -Proto and \
            -Host added, jwtbench.claim_to_headers set) and the response streamed back; denied \
            ones get 401 or 403 with WWW-Authenticate and {"decision":"deny","reason":...} and \
            never reach the upstream. Proxy errors: 400 malformed, 408 too slow, 413 body over \
            --max-body (only bodies that carry a token are read before forwarding), 431 header \
            limits, 502 upstream unreachable, 504 upstream timeout.
            SIGHUP reloads the policy (a bad one is refused and the current one stays); SIGTERM \
            or Ctrl-C stops accepting, finishes requests in flight (up to --drain-timeout) and \
            exits 0. --admin serves /ready, /healthz and /metrics (Prometheus). The access log \
            is one JSON line per request.
            """)

    @Option(help: "An ngrok Traffic Policy (YAML or JSON) or its jwt-validation config.")
    var policy: String
    @Option(help: "The origin, http://HOST:PORT[/PREFIX].")
    var upstream: String
    @Option(help: "Address to listen on (HOST:PORT; port 0: ephemeral).")
    var listen = "127.0.0.1:8080"
    @Option(help: "Admin listener for /ready, /healthz and /metrics (HOST:PORT; default: none).")
    var admin: String?
    @Option(help: "Event-loop threads (default: all cores).")
    var threads: Int?
    @Option(help: "Validate at this time, in seconds since the epoch (default: the clock), for tests and replays.")
    var now: Int64?
    @OptionGroup var keys: KeyFileOptions
    @OptionGroup var crypto: CryptoBackendOptions<PolicyBackendDefault>
    @Option(name: .customLong("access-log"), help: "Where the JSON access log goes: '-' (stdout), a file, or 'off'.")
    var accessLog = "-"
    @Option(name: .customLong("max-body"), help: "The largest body read to find a body token, in bytes.")
    var maxBody = 1 << 20
    @Option(name: .customLong("max-header-bytes"), help: "The largest request head, in bytes.")
    var maxHeaderBytes = 64 * 1024
    @Option(name: .customLong("max-headers"), help: "The most header fields in a request.")
    var maxHeaders = 100
    @Option(name: .customLong("header-timeout"), help: "From a request's first byte to its complete head.")
    var headerTimeout = "10s"
    @Option(name: .customLong("body-timeout"), help: "The longest pause while reading a request body.")
    var bodyTimeout = "30s"
    @Option(name: .customLong("idle-timeout"), help: "How long an idle keep-alive connection is kept.")
    var idleTimeout = "60s"
    @Option(name: .customLong("connect-timeout"), help: "Connecting to the upstream.")
    var connectTimeout = "5s"
    @Option(name: .customLong("upstream-timeout"), help: "From the request's end to the upstream's response head.")
    var upstreamTimeout = "30s"
    @Option(name: .customLong("drain-timeout"), help: "On SIGTERM, how long requests in flight may take.")
    var drainTimeout = "30s"

    func run() throws {
        var configuration = GatewayConfiguration(
            listen: try SocketEndpoint(parsing: listen), upstream: try UpstreamTarget(url: upstream),
            admin: try admin.map { try SocketEndpoint(parsing: $0) }, threads: try GatewayConfiguration.threads(option: threads), now: now)
        configuration.limits = try .init(maxBodyBytes: maxBody, maxHeaderBytes: maxHeaderBytes, maxHeaderCount: maxHeaders)
        configuration.timeouts = try .init(
            header: headerTimeout, body: bodyTimeout, idle: idleTimeout, connect: connectTimeout, upstream: upstreamTimeout,
            drain: drainTimeout)
        let options = GatewayRunner.Options(
            configuration: configuration, policyPath: policy, keyFiles: keys.keyFiles, backend: try crypto.chosen(),
            accessLog: try JSONLineLogHandler.Sink.named(accessLog))
        try GatewayRunner.run(options) { line in printError(line) }
    }
}
