import Dispatch
import Foundation
import JOSECrypto
import Logging
import Revocation
import Synchronization

/// `jwtbench gateway`: loads the policy, serves, and runs until SIGTERM or SIGINT (drain, then
/// exit); SIGHUP reloads the policy file (a bad one is refused with its message and the old
/// one stays).
public enum GatewayRunner {
    /// What the command gives.
    public struct Options: Sendable {
        public var configuration: GatewayConfiguration
        public var policyPath: String
        /// Extra JWK Set files (`--keys`), as `verify` takes them.
        public var keyFiles: [String]
        /// nil: the policy's `crypto_backend`, else `auto`.
        public var backend: (any CryptoBackend)?
        /// nil: no access log.
        public var accessLog: JSONLineLogHandler.Sink?

        /// Options as given.
        public init(
            configuration: GatewayConfiguration, policyPath: String, keyFiles: [String] = [], backend: (any CryptoBackend)? = nil,
            accessLog: JSONLineLogHandler.Sink? = .standardOutput
        ) {
            self.configuration = configuration
            self.policyPath = policyPath
            self.keyFiles = keyFiles
            self.backend = backend
            self.accessLog = accessLog
        }
    }

    /// Serves until SIGTERM or SIGINT, then drains and returns. Blocks the calling thread
    /// (the main thread: never a Swift-concurrency task).
    /// - Parameter say: operational lines (listening, reloads, draining), one at a time.
    /// - Throws: `GatewayError` when the policy cannot be loaded or an address bound.
    public static func run(_ options: Options, say: @escaping @Sendable (String) -> Void) throws {
        let policy = try GatewayPolicy.load(
            path: options.policyPath, keyFiles: options.keyFiles, backend: options.backend, warn: say,
            revocationEvents: revocationReporter(say))
        let accessLog = options.accessLog.map { sink in
            Logger(label: "jwtbench.gateway.access") { _ in JSONLineLogHandler(sink: sink) }
        }
        var logger = Logger(label: "jwtbench.gateway") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = .info
        let gateway = Gateway(configuration: options.configuration, policy: policy, accessLog: accessLog, logger: logger)
        try blocking { try await gateway.start() }
        say("gateway: http://\(options.configuration.listen.host):\(gateway.port) -> \(options.configuration.upstream)")
        if options.configuration.admin != nil {
            say("admin:   http://\(options.configuration.admin!.host):\(gateway.adminPort) (/ready, /healthz, /metrics)")
        }
        say("SIGHUP reloads \(options.policyPath); SIGTERM or Ctrl-C drains and stops.")

        let stop = DispatchSemaphore(value: 0)
        let queue = DispatchQueue(label: "jwtbench.gateway.signals")
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGHUP, SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if number == SIGHUP {
                    reload(gateway, options: options, say: say)
                } else {
                    stop.signal()
                }
            }
            source.resume()
            sources.append(source)
        }
        stop.wait()
        say("draining (up to \(options.configuration.timeouts.drain)) ...")
        blocking { await gateway.drainAndStop() }
        for source in sources { source.cancel() }
        say("stopped")
    }

    /// Loads the policy file (and so its denylist) again and swaps it in, or keeps the current
    /// one and says why; then the policy in force re-reads its denylist, so a newly revoked
    /// token is denied after SIGHUP even when the policy document itself was refused.
    static func reload(_ gateway: Gateway, options: Options, say: @escaping @Sendable (String) -> Void) {
        do {
            let fresh = try GatewayPolicy.load(
                path: options.policyPath, keyFiles: options.keyFiles, backend: options.backend, warn: say,
                revocationEvents: revocationReporter(say))
            blocking { await gateway.reload(policy: fresh) }
            say("reloaded \(options.policyPath)")
        } catch {
            gateway.reloadRefused(error)
            say("reload refused, the current policy stays: \(error)")
            gateway.reloadRevocations()
        }
    }

    /// Says what a background reload of the denylist did.
    static func revocationReporter(_ say: @escaping @Sendable (String) -> Void) -> @Sendable (RevocationReloader.Event) -> Void {
        { event in
            switch event {
            case .reloaded(let entries, let took): say("denylist reloaded: \(entries) entries in \(took)")
            case .refused(let error): say("denylist reload refused, the current list stays: \(error)")
            }
        }
    }

    /// Runs `work` and waits for it on this (non-cooperative) thread.
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox<T>()
        Task {
            do { result.set(.success(try await work())) } catch { result.set(.failure(error)) }
            done.signal()
        }
        done.wait()
        return try result.get()
    }

    static func blocking(_ work: @escaping @Sendable () async -> Void) {
        _ = try? blocking { () async throws -> Bool in
            await work()
            return true
        }
    }
}

/// A result handed from a task to a waiting thread.
private final class ResultBox<T: Sendable>: Sendable {
    private let value = Mutex<Result<T, any Error>?>(nil)
    func set(_ result: Result<T, any Error>) { value.withLock { $0 = result } }
    func get() throws -> T { try value.withLock { $0! }.get() }
}
