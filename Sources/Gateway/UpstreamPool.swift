import NIOCore
import NIOPosix

/// One upstream connection: the channel and its last handler, both on one event loop.
/// Unchecked: it crosses only from a future on that loop to a callback on the same loop.
struct UpstreamConnection: @unchecked Sendable {
    let channel: any Channel
    let handler: UpstreamHandler
    /// Whether it came from the pool (then a failure before any response byte may be a
    /// connection the upstream closed while idle, and a request without a body is retried).
    let reused: Bool
}

/// Keep-alive connections to the upstream for one event loop. Used only on that loop, so it
/// takes no lock; each loop has its own, as Envoy's and nginx's workers do, and a client's
/// request is forwarded on the loop that read it (no thread hop).
final class UpstreamPool {
    private let eventLoop: any EventLoop
    private let target: UpstreamTarget
    private let connectTimeout: Duration
    private let maxIdle: Int
    private var idle: [UpstreamConnection] = []
    /// Draining: connections are closed after their exchange, not kept.
    private var draining = false

    init(eventLoop: any EventLoop, target: UpstreamTarget, connectTimeout: Duration, maxIdle: Int) {
        self.eventLoop = eventLoop
        self.target = target
        self.connectTimeout = connectTimeout
        self.maxIdle = maxIdle
    }

    /// An idle connection that is still open, or nil (then `connect()`).
    func takeIdle() -> UpstreamConnection? {
        while let connection = idle.popLast() {
            if connection.channel.isActive && !connection.handler.isBroken {
                return UpstreamConnection(channel: connection.channel, handler: connection.handler, reused: true)
            }
        }
        return nil
    }

    /// A new connection, never one from the pool.
    func connect() -> EventLoopFuture<UpstreamConnection> {
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout.timeAmount)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                // No HTTP codec: requests go out as bytes, responses come in as bytes.
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(UpstreamHandler()) }
            }
        let target = self.target
        return bootstrap.connect(host: target.host, port: target.port)
            .flatMapErrorThrowing { error in throw UpstreamFailure.connect("\(target.host):\(target.port): \(error)") }
            .flatMapThrowing { channel in
                let handler = try channel.pipeline.syncOperations.handler(type: UpstreamHandler.self)
                return UpstreamConnection(channel: channel, handler: handler, reused: false)
            }
    }

    /// Back to the pool after a complete exchange, or closed when it cannot be reused.
    func release(_ connection: UpstreamConnection) {
        connection.handler.exchange = nil
        // An idle connection reads, so that the upstream closing it is seen.
        connection.handler.pauseReads(false)
        guard !draining, connection.channel.isActive, !connection.handler.isBroken, connection.handler.responseKeepAlive,
            idle.count < maxIdle
        else {
            connection.channel.close(promise: nil)
            return
        }
        idle.append(connection)
    }

    /// Closes every idle connection and keeps no more. New connections are still made: a
    /// request decided while draining is forwarded like any other (the loop's group stops
    /// once the drain is over, and takes any connection left with it).
    func drain() {
        draining = true
        for connection in idle { connection.channel.close(promise: nil) }
        idle.removeAll()
    }

    /// Idle connections now (for tests and metrics).
    var idleCount: Int { idle.count }
}
