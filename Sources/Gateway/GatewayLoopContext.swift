import Logging
import Measurement
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
    /// The timeouts in nanoseconds, converted once.
    let keepAliveIdleNanoseconds: UInt64
    let requestHeaderNanoseconds: UInt64
    let bodyIdleNanoseconds: UInt64
    let upstreamResponseNanoseconds: UInt64
    /// While draining, how long an idle connection waits for a request's first byte: one the
    /// client sent before it could know of the drain (a new connection accepted just before
    /// the listener closed, a keep-alive one reused at that moment) is still served. Short,
    /// so idle clients do not hold the exit back: 1 s, or the idle or head timeout if shorter.
    let drainIdleGraceNanoseconds: UInt64
    private var sweep: RepeatedTask?

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
        let t = configuration.timeouts
        keepAliveIdleNanoseconds = t.keepAliveIdle.nanoseconds
        requestHeaderNanoseconds = t.requestHeader.nanoseconds
        bodyIdleNanoseconds = t.requestBodyIdle.nanoseconds
        upstreamResponseNanoseconds = t.upstreamResponse.nanoseconds
        drainIdleGraceNanoseconds = min(1_000_000_000, keepAliveIdleNanoseconds, requestHeaderNanoseconds)
    }

    /// Starts the sweep that checks every connection's deadline, a quarter of the shortest
    /// timeout apart (5 to 250 ms): a deadline fires at most that late.
    func startSweeping(_ bound: NIOLoopBound<GatewayLoopContext>) {
        let shortest = [keepAliveIdleNanoseconds, requestHeaderNanoseconds, bodyIdleNanoseconds, upstreamResponseNanoseconds].min()!
        let tick = Int64(min(max(shortest / 4, 5_000_000), 250_000_000))
        sweep = eventLoop.scheduleRepeatedTask(initialDelay: .nanoseconds(tick), delay: .nanoseconds(tick)) { _ in
            bound.value.checkDeadlines()
        }
    }

    private func checkDeadlines() {
        let now = MonotonicClock.now()
        for connection in connections.values { connection.checkDeadline(now: now) }
    }

    func opened(_ connection: GatewayConnectionHandler) {
        connections[ObjectIdentifier(connection)] = connection
        metrics.connectionOpened()
    }

    func closed(_ connection: GatewayConnectionHandler) {
        if connections.removeValue(forKey: ObjectIdentifier(connection)) != nil { metrics.connectionClosed() }
    }

    /// Starts draining: busy connections close after their response, idle ones after a
    /// short grace (`drainIdleGraceNanoseconds`) unless a request arrives in it.
    func drain() {
        draining = true
        for connection in Array(connections.values) { connection.drain() }
        pool.drain()
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
