import Dispatch
import JOSECrypto
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import TokenMint

import struct NIOConcurrencyHelpers.NIOLock
import struct NIOConcurrencyHelpers.NIOLockedValueBox

/// An identity provider in the process, on SwiftNIO: serves `/.well-known/openid-configuration`
/// and `/jwks.json` on loopback, rotates its signing key (on a schedule or on demand), and can
/// be made slow or failing, so key caches can be tested and compared against it.
///
/// ```swift
/// let issuer = try EmbeddedIssuer(configuration: IssuerConfiguration(algorithm: .es256))
/// try issuer.start()                       // or `try await issuer.start()`
/// let token = try issuer.token(now: now)   // signed with the current key
/// let rotation = try issuer.rotate()       // new key published and signing
/// issuer.setFault(.unavailable, for: .seconds(30))
/// print(issuer.jwksRequestCount)
/// issuer.stop()                            // or `await issuer.stop()`
/// ```
///
/// Rotation publishes the new key, signs with it at once, and keeps the previous key in the
/// JWKS for `overlap` (so tokens it signed still validate), then drops it. Tokens signed with
/// a new key can therefore reach a validator before its cached JWKS has the key: the case
/// unknown-kid refetching exists for.
public final class EmbeddedIssuer: Sendable {
    /// How this issuer was set up.
    public let configuration: IssuerConfiguration
    private let state: IssuerState
    private let runtime = NIOLockedValueBox<Runtime?>(nil)
    private let logger: Logger

    private struct Runtime: Sendable {
        let group: MultiThreadedEventLoopGroup
        let server: any Channel
        let rotation: RotationTimer?
    }

    /// Dispatch sources are thread-safe (resume and cancel may come from any thread); the
    /// overlay just does not say so yet.
    private struct RotationTimer: @unchecked Sendable {
        let source: any DispatchSourceTimer
    }

    /// An issuer with its first key; call `start()` to serve.
    public init(configuration: IssuerConfiguration = IssuerConfiguration(), logger: Logger = Logger(label: "jwtbench.issuer")) throws {
        self.configuration = configuration
        self.logger = logger
        state = try IssuerState(configuration: configuration)
    }

    // MARK: serving

    /// Binds and serves (blocks until bound). Not from an event loop or an async context; use
    /// `start() async` there.
    public func start() throws {
        let (group, bootstrap) = try prepare()
        let channel: any Channel
        do {
            channel = try bootstrap.bind(host: configuration.host, port: configuration.port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw IssuerError("cannot listen on \(configuration.host):\(configuration.port): \(error)")
        }
        started(group: group, channel: channel)
    }

    /// Binds and serves.
    public func start() async throws {
        let (group, bootstrap) = try prepare()
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        } catch {
            try? await group.shutdownGracefully()
            throw IssuerError("cannot listen on \(configuration.host):\(configuration.port): \(error)")
        }
        started(group: group, channel: channel)
    }

    private func prepare() throws -> (MultiThreadedEventLoopGroup, ServerBootstrap) {
        guard runtime.withLockedValue({ $0 == nil }) else { throw IssuerError("the issuer is already running") }
        // Its own event loop, so the issuer's work does not queue behind the HTTP client's.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let state = self.state
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(IssuerHTTPHandler(state: state))
                }
            }
        return (group, bootstrap)
    }

    private func started(group: MultiThreadedEventLoopGroup, channel: any Channel) {
        state.boundPort.store(channel.localAddress?.port ?? configuration.port, ordering: .releasing)
        var rotation: RotationTimer?
        if let interval = configuration.rotationInterval {
            let state = self.state
            let overlap = configuration.overlap
            let logger = self.logger
            // A Dispatch timer, not a task: the schedule must hold while Swift's cooperative pool
            // is busy (a test run saturates it on two cores, and a sleeping task then wakes late),
            // and not on the event loop, which key generation would hold up.
            let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "jwtbench.issuer.rotation"))
            let nanoseconds = Int(clamping: max(1, interval.nanosecondsClamped))
            timer.schedule(deadline: .now() + .nanoseconds(nanoseconds), repeating: .nanoseconds(nanoseconds))
            timer.setEventHandler {
                do {
                    let r = try state.rotate(overlap: overlap)
                    logger.info("rotated: signing with \(r.newKid), \(r.previousKid) retires in \(overlap)")
                } catch {
                    logger.error("scheduled rotation failed: \(error)")
                }
            }
            timer.resume()
            rotation = RotationTimer(source: timer)
        }
        runtime.withLockedValue { $0 = Runtime(group: group, server: channel, rotation: rotation) }
        logger.info("issuer listening at \(issuer)")
    }

    /// The running server's state, taken so that only one caller stops it.
    private func takeRuntime() -> Runtime? {
        runtime.withLockedValue { current -> Runtime? in
            defer { current = nil }
            return current
        }
    }

    /// Stops serving and closes every connection (hung ones included). Blocks; not from an
    /// event loop or an async context (use `stop() async` there).
    public func stop() {
        guard let r = takeRuntime() else { return }
        r.rotation?.source.cancel()
        try? r.server.close().wait()
        for channel in state.channels.withLockedValue({ Array($0.values) }) { try? channel.close().wait() }
        try? r.group.syncShutdownGracefully()
    }

    /// Stops serving and closes every connection.
    public func stop() async {
        guard let r = takeRuntime() else { return }
        r.rotation?.source.cancel()
        try? await r.server.close().get()
        for channel in state.channels.withLockedValue({ Array($0.values) }) { try? await channel.close().get() }
        try? await r.group.shutdownGracefully()
    }

    /// Whether the issuer is serving.
    public var isRunning: Bool { runtime.withLockedValue { $0 != nil } }

    // MARK: addresses

    /// The port bound (the ephemeral one when configured with 0); 0 before `start()`.
    public var port: Int { state.boundPort.load(ordering: .acquiring) }
    /// The issuer identifier and base URL, `http://127.0.0.1:<port>`: the `iss` of its tokens.
    public var issuer: String { state.issuer }
    /// `<issuer>/jwks.json`.
    public var jwksURL: String { state.jwksURL }
    /// `<issuer>/.well-known/openid-configuration`.
    public var discoveryURL: String { issuer + "/.well-known/openid-configuration" }

    // MARK: keys

    /// Rotates now: a new key is published and signs from now on; the previous one stays in
    /// the JWKS for `overlap` (default: the configuration's). Key generation happens before
    /// the switch, so requests are not held up by it.
    @discardableResult
    public func rotate(overlap: Duration? = nil) throws -> IssuerRotation {
        try state.rotate(overlap: overlap ?? configuration.overlap)
    }

    /// Takes a key out of the JWKS now (not the signing key). Returns false if there is no
    /// such key or it is the signing key.
    @discardableResult
    public func retire(kid: String) -> Bool { state.retire(kid: kid) }

    /// The kid new tokens are signed with.
    public var signingKid: String { state.signingKey().kid }
    /// The private JWK new tokens are signed with (test material).
    public var signingKey: JWK { state.signingKey().privateKey }
    /// The kids in the JWKS now, newest first.
    public var publishedKids: [String] { state.publishedKeys(at: IssuerClock.now()).map(\.kid) }
    /// Any key this issuer ever made, retired ones included (to mint tokens a validator must
    /// now refuse).
    public func privateKey(kid: String) -> JWK? { state.key(kid: kid)?.privateKey }
    /// Every key event so far, in order.
    public var events: [IssuerEvent] { state.ring.withLockedValue { $0.events } }

    // MARK: faults

    /// Makes both endpoints fail with `fault` (nil clears it), for `duration` if given.
    public func setFault(_ fault: IssuerFault?, for duration: Duration? = nil) {
        state.setFault(fault, for: duration)
    }

    /// The fault in effect now, if any.
    public var fault: IssuerFault? {
        let now = IssuerClock.now()
        return state.faults.withLockedValue { f in f.until.map { now < $0 } ?? true ? f.fault : nil }
    }

    /// Delays every response by `latency` (a slow identity provider).
    public func setLatency(_ latency: Duration) { state.faults.withLockedValue { $0.latency = latency } }

    /// Changes the `Cache-Control: max-age` of JWKS responses (nil: no header).
    public func setCacheMaxAge(_ seconds: Int?) { state.faults.withLockedValue { $0.cacheMaxAge = seconds } }

    // MARK: counters

    /// Requests to `/jwks.json` so far, answered or faulted.
    public var jwksRequestCount: Int { state.jwksRequests.load(ordering: .relaxed) }
    /// Requests to the discovery document so far.
    public var discoveryRequestCount: Int { state.discoveryRequests.load(ordering: .relaxed) }
    /// JWKS plus discovery requests: the load caches put on this identity provider.
    public var fetchCount: Int { jwksRequestCount + discoveryRequestCount }
    /// Requests answered with a fault.
    public var faultedResponseCount: Int { state.faultedResponses.load(ordering: .relaxed) }
    /// Body bytes of `oversized` answers that left the issuer (see `IssuerFault.oversized`).
    public var streamedBytes: Int { state.streamedBytes.load(ordering: .relaxed) }

    // MARK: tokens

    /// A token from this issuer: `iss` is `issuer`, `aud` the configured audience, `iat` is
    /// `now`, `exp` is `now + lifetime`; signed with the current key, or with key `kid` (a
    /// retired one, say).
    public func token(now: Int64, lifetime: Int64 = 3600, subject: String = "user-1", kid: String? = nil) throws -> String {
        var claims = ClaimsSet()
        claims.set("iss", string: issuer)
        claims.set("sub", string: subject)
        claims.set("aud", string: configuration.audience)
        claims.set("iat", int: now)
        claims.set("exp", int: now + lifetime)
        return try sign(payload: claims.json, kid: kid)
    }

    /// A compact JWS of `payload` (JSON text) with header `{"alg","typ":"JWT","kid"}`, signed
    /// with the current key or with key `kid`.
    public func sign(payload: String, kid: String? = nil) throws -> String {
        let key: IssuerState.IssuedKey
        if let kid {
            guard let found = state.key(kid: kid) else { throw IssuerError("this issuer never made key \"\(kid)\"") }
            key = found
        } else {
            key = state.signingKey()
        }
        let header = "{\"alg\":\"\(configuration.algorithm.rawValue)\",\"typ\":\"JWT\",\"kid\":\(ClaimsSet.quote(key.kid))}"
        let input = Base64URL.encode(string: header) + "." + Base64URL.encode(string: payload)
        let signature = try key.signer.sign(Array(input.utf8))
        return input + "." + Base64URL.encode(signature)
    }
}
