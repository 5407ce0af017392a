import Logging
import Measurement
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import Revocation
import Synchronization

/// The policy enforced in front of an upstream: an HTTP/1.1 reverse proxy on SwiftNIO that
/// runs the `jwt-validation` action on every request and forwards only allowed ones.
///
/// ```swift
/// let policy = try GatewayPolicy.load(path: "policy.yaml")
/// let gateway = Gateway(configuration: GatewayConfiguration(upstream: try UpstreamTarget(url: "http://127.0.0.1:9000")),
///                       policy: policy)
/// try await gateway.start()
/// try await gateway.reload(policy: try GatewayPolicy.load(path: "policy.yaml"))   // SIGHUP
/// await gateway.drainAndStop()                                                   // SIGTERM
/// ```
public final class Gateway: Sendable {
    /// How it runs.
    public let configuration: GatewayConfiguration
    /// Its metrics (also served at the admin listener's `/metrics`).
    public let metrics: GatewayMetrics
    private let group: MultiThreadedEventLoopGroup
    private let threadPool: NIOThreadPool
    private let contexts: [ObjectIdentifier: NIOLoopBound<GatewayLoopContext>]
    private let current: NIOLockedValueBox<GatewayPolicy>
    private let channels = NIOLockedValueBox<(proxy: (any Channel)?, admin: (any Channel)?)>((nil, nil))
    private let state = Mutex<State>(.created)
    private let logger: Logger

    private enum State { case created, serving, draining, stopped }

    /// A gateway deciding with `policy` (which it shuts down when replaced or stopped).
    /// - Parameters:
    ///   - accessLog: where one JSON line per request goes (nil: no access log).
    ///   - logger: operational messages (start, reloads, drain).
    public init(configuration: GatewayConfiguration, policy: GatewayPolicy, accessLog: Logger? = nil, logger: Logger? = nil) {
        self.configuration = configuration
        metrics = GatewayMetrics()
        self.logger = logger ?? Logger(label: "jwtbench.gateway")
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        threadPool = NIOThreadPool(numberOfThreads: 2)
        threadPool.start()
        current = NIOLockedValueBox(policy)
        var contexts: [ObjectIdentifier: NIOLoopBound<GatewayLoopContext>] = [:]
        let metrics = self.metrics
        let threadPool = self.threadPool
        for loop in group.makeIterator() {
            // Made on its loop: a loop-bound value may only be created and used there.
            let bound = try! loop.submit {
                let bound = NIOLoopBound(
                    GatewayLoopContext(
                        eventLoop: loop, configuration: configuration, metrics: metrics, accessLog: accessLog,
                        threadPool: threadPool, policy: policy),
                    eventLoop: loop)
                bound.value.startSweeping(bound)
                return bound
            }.wait()
            contexts[ObjectIdentifier(loop)] = bound
        }
        self.contexts = contexts
    }

    // MARK: serving

    /// Binds the proxy (and the admin listener) and serves.
    /// - Throws: `GatewayError` when an address cannot be bound.
    public func start() async throws {
        let fresh = state.withLock { s -> Bool in
            guard s == .created else { return false }
            s = .serving
            return true
        }
        guard fresh else {
            throw GatewayError("the gateway was already started")
        }
        let proxy: any Channel
        do {
            proxy = try await proxyBootstrap().bind(host: configuration.listen.host, port: configuration.listen.port).get()
        } catch {
            await shutdownGroup()
            throw GatewayError("cannot listen on \(configuration.listen): \(error)")
        }
        var admin: (any Channel)?
        if let endpoint = configuration.admin {
            do {
                admin = try await adminBootstrap().bind(host: endpoint.host, port: endpoint.port).get()
            } catch {
                try? await proxy.close().get()
                await shutdownGroup()
                throw GatewayError("cannot listen on \(endpoint) (admin): \(error)")
            }
        }
        channels.withLockedValue { $0 = (proxy, admin) }
        logger.info("gateway listening on http://\(endpointText(proxy)) -> \(configuration.upstream)")
        if let admin { logger.info("admin on http://\(endpointText(admin)) (/ready, /healthz, /metrics)") }
    }

    /// The proxy's bound port (after `start`).
    public var port: Int { channels.withLockedValue { $0.proxy?.localAddress?.port } ?? 0 }
    /// The admin listener's bound port (after `start`; 0 without one).
    public var adminPort: Int { channels.withLockedValue { $0.admin?.localAddress?.port } ?? 0 }
    /// The policy new requests are decided with.
    public var policy: GatewayPolicy { current.withLockedValue { $0 } }
    /// The Prometheus text `/metrics` serves, key-source counters brought up to date.
    public func metricsText() -> String { String(decoding: metrics.render(policy: policy), as: UTF8.self) }
    /// Whether it serves new requests (false once draining).
    public var isReady: Bool { state.withLock { $0 == .serving } }

    /// Replaces the policy: requests whose head arrives after this returns are decided by
    /// `policy`; those in flight finish with the old one, whose key sources are shut down
    /// once they had time to finish.
    public func reload(policy: GatewayPolicy) async {
        let old = current.withLockedValue { current -> GatewayPolicy in
            defer { current = policy }
            return current
        }
        var done: [EventLoopFuture<Void>] = []
        for bound in contexts.values {
            done.append(bound.eventLoop.submit { bound.value.policy = policy })
        }
        for future in done { try? await future.get() }
        metrics.recordReload(succeeded: true)
        logger.info("policy reloaded\(policy.path.map { " from \($0)" } ?? "")")
        // In-flight requests hold the old policy; its background key refreshes stop after
        // the longest a request may take, and its keys stay usable until then.
        let grace = configuration.timeouts.upstreamResponse + configuration.timeouts.requestBodyIdle
        group.any().scheduleTask(in: grace.timeAmount) { old.shutdown() }
    }

    /// Re-reads the current policy's denylist now (SIGHUP), whether or not its file looks
    /// changed; a bad file is refused and logged, and the list in force stays.
    public func reloadRevocations() {
        guard let revocation = policy.revocation else { return }
        do {
            let entries = try revocation.reload()
            logger.info("denylist reloaded from \(revocation.path): \(entries) entries")
        } catch {
            logger.error("denylist reload refused, the current list stays: \(error)")
        }
    }

    /// Counts a refused reload (the old policy stays) and logs why.
    public func reloadRefused(_ error: any Error) {
        metrics.recordReload(succeeded: false)
        logger.error("policy reload refused, the current policy stays: \(error)")
    }

    /// SIGTERM: stops accepting, lets in-flight requests finish (up to the drain timeout),
    /// then closes everything and stops.
    public func drainAndStop() async {
        guard
            state.withLock({ s -> Bool in
                guard s == .serving else { return false }
                s = .draining
                return true
            })
        else {
            await stop()
            return
        }
        let (proxy, admin) = channels.withLockedValue { $0 }
        try? await proxy?.close().get()
        logger.info("draining: no new connections; finishing requests in flight")
        for bound in contexts.values { bound.eventLoop.execute { bound.value.drain() } }
        let deadline = MonotonicClock.now() + UInt64(configuration.timeouts.drain.components.seconds) * 1_000_000_000
        while await openConnections() > 0 && MonotonicClock.now() < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        try? await admin?.close().get()
        await stop()
    }

    /// Stops at once: closes every listener and connection.
    public func stop() async {
        let wasStopped = state.withLock { s -> Bool in
            defer { s = .stopped }
            return s == .stopped
        }
        guard !wasStopped else { return }
        let (proxy, admin) = channels.withLockedValue { $0 }
        try? await proxy?.close().get()
        try? await admin?.close().get()
        await shutdownGroup()
        policy.shutdown()
    }

    /// Client connections open now.
    public func openConnections() async -> Int {
        var total = 0
        for bound in contexts.values {
            total += (try? await bound.eventLoop.submit { bound.value.openConnections }.get()) ?? 0
        }
        return total
    }

    private func shutdownGroup() async {
        try? await group.shutdownGracefully()
        try? await threadPool.shutdownGracefully()
    }

    private func endpointText(_ channel: any Channel) -> String {
        guard let address = channel.localAddress else { return "?" }
        return SocketEndpoint(host: address.ipAddress ?? "?", port: address.port ?? 0).description
    }

    // MARK: pipelines

    private func proxyBootstrap() -> ServerBootstrap {
        let contexts = self.contexts
        return ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let bound = contexts[ObjectIdentifier(channel.eventLoop)] else {
                        throw GatewayError("a connection on an event loop the gateway does not own")
                    }
                    // One handler: it reads requests with its own parser and writes every
                    // response as bytes, relayed (`UpstreamResponseParser`) or its own
                    // (`LocalResponse`), so no HTTP codec sits in between (see
                    // `ClientRequestParser` for why). Response fields are not validated again on
                    // the way out: they are the gateway's constants, or the upstream's, which
                    // `UpstreamResponseParser` refused when a name or value was invalid (a 502;
                    // GatewayRobustnessTests).
                    try channel.pipeline.syncOperations.addHandler(GatewayConnectionHandler(loop: bound.value))
                }
            }
    }

    private func adminBootstrap() -> ServerBootstrap {
        let gateway = self
        return ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(AdminHandler(gateway: gateway))
                }
            }
    }
}
