import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// `jwtbench echo`: an HTTP/1.1 upstream on SwiftNIO that records every request it receives
/// (method, URI, headers, body) and answers 200 with a small JSON body. `conform --target`
/// points the gateway under test at it and reads what arrived; load runs use it as an origin
/// that costs nothing.
///
/// ```swift
/// let echo = try EchoServer.start()          // 127.0.0.1, an ephemeral port
/// // ... send requests through a gateway whose upstream is echo.url ...
/// let arrived = echo.requests
/// echo.reset()
/// echo.stop()
/// ```
///
/// Keep-alive, pipelining, chunked and fixed-length bodies are NIO's HTTP/1.1 server pipeline.
public final class EchoServer: Sendable {
    /// How it runs.
    public struct Configuration: Sendable {
        /// The address to listen on (port 0: ephemeral).
        public var host: String
        public var port: Int
        /// Keep every request in memory for `requests` (off for long load runs, which would
        /// otherwise grow without bound; `requestCount` still counts).
        public var keepRequests: Bool
        /// Append each request as one JSON line to this file (truncated at start).
        public var recordPath: String?
        /// Hold responses once (`--stall`).
        public var stall: EchoStall?
        /// Event-loop threads.
        public var threads: Int

        /// A configuration; by default loopback, an ephemeral port, requests kept, no file.
        public init(
            host: String = "127.0.0.1", port: Int = 0, keepRequests: Bool = true, recordPath: String? = nil,
            stall: EchoStall? = nil, threads: Int = 1
        ) {
            self.host = host
            self.port = port
            self.keepRequests = keepRequests
            self.recordPath = recordPath
            self.stall = stall
            self.threads = threads
        }
    }

    /// How it runs.
    public let configuration: Configuration
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let log: EchoLog
    private let stopped = NIOLockedValueBox(false)

    /// Binds and serves; blocks until bound (call it from a thread of its own, not from a
    /// Swift-concurrency task).
    /// - Throws: `EchoError` when the address cannot be bound or the record file not created.
    public init(configuration: Configuration) throws(EchoError) {
        self.configuration = configuration
        let log = try EchoLog(keepRequests: configuration.keepRequests, recordPath: configuration.recordPath)
        self.log = log
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        self.group = group
        let started = NIODeadline.now()
        let stall = configuration.stall
        do {
            channel = try ServerBootstrap(group: group)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(EchoHandler(log: log, started: started, stall: stall))
                    }
                }
                .bind(host: configuration.host, port: configuration.port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw EchoError("cannot listen on \(configuration.host):\(configuration.port): \(error)")
        }
    }

    /// An echo upstream on `host` (loopback by default) and an ephemeral port.
    public static func start(host: String = "127.0.0.1", port: Int = 0) throws(EchoError) -> EchoServer {
        try EchoServer(configuration: Configuration(host: host, port: port))
    }

    /// The bound port.
    public var port: Int { channel.localAddress?.port ?? 0 }
    /// `http://host:port`, for a gateway's upstream.
    public var url: String {
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "http://\(host):\(port)"
    }
    /// Every complete request so far, in the order their ends arrived (empty when requests are
    /// not kept).
    public var requests: [EchoRequest] { log.requests }
    /// Complete requests so far, kept or not.
    public var requestCount: Int { log.count }
    /// Forgets the requests kept so far (the count and the record file stay).
    public func reset() { log.reset() }

    /// Closes the listener and every connection, and the record file. Stopping twice is
    /// harmless (a second close would wait forever on the shut-down loop).
    public func stop() {
        let first = stopped.withLockedValue { done -> Bool in
            if done { return false }
            done = true
            return true
        }
        guard first else { return }
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
        log.close()
    }
}
