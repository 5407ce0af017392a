import Logging
import NIOCore
import NIOPosix

/// What the connections of one event loop share: the policy in force, the upstream pool and
/// the open connections. Used only on its loop, so requests read the policy without a lock
/// or an atomic; a reload hands each loop the new policy on that loop.
final class GatewayLoopContext {
    let eventLoop: any EventLoop
    let configuration: GatewayConfiguration
    let metrics: GatewayMetrics
    let accessLog: Logger?
    let threadPool: NIOThreadPool
    let pool: UpstreamPool
    /// The policy new requests are decided with.
    var policy: GatewayPolicy
    /// Set on SIGTERM: finish what is in flight, accept no new request on open connections.
    var draining = false
    private var connections: [ObjectIdentifier: GatewayConnectionHandler] = [:]

    init(
        eventLoop: any EventLoop, configuration: GatewayConfiguration, metrics: GatewayMetrics, accessLog: Logger?,
        threadPool: NIOThreadPool, policy: GatewayPolicy
    ) {
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.metrics = metrics
        self.accessLog = accessLog
        self.threadPool = threadPool
        self.policy = policy
        pool = UpstreamPool(
            eventLoop: eventLoop, target: configuration.upstream, connectTimeout: configuration.timeouts.upstreamConnect,
            maxIdle: configuration.limits.maxIdleUpstreamConnections)
    }

    func opened(_ connection: GatewayConnectionHandler) {
        connections[ObjectIdentifier(connection)] = connection
        metrics.connectionOpened()
    }

    func closed(_ connection: GatewayConnectionHandler) {
        if connections.removeValue(forKey: ObjectIdentifier(connection)) != nil { metrics.connectionClosed() }
    }

    /// Starts draining: idle connections close now, busy ones after their response.
    func drain() {
        draining = true
        for connection in Array(connections.values) { connection.drain() }
        pool.close()
    }

    /// Client connections open on this loop.
    var openConnections: Int { connections.count }

    /// Seconds since the epoch: the configured fixed time, else the system clock.
    func now() -> Int64 {
        if let fixed = configuration.now { return fixed }
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec)
    }
}
