import JWTValidation
import KeySources
import Metrics
import Prometheus
import Revocation
import Synchronization

/// The gateway's metrics, through swift-metrics into a Prometheus registry of its own (not
/// the process-wide `MetricsSystem`, so several gateways in one process, as in the tests,
/// keep separate counts). `/metrics` renders `render()`.
public final class GatewayMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    private let allowed: CoreMetrics.Counter
    private let denied: [ReasonCode: CoreMetrics.Counter]
    private let proxyErrors: [String: CoreMetrics.Counter]
    private let upstreamErrors: [String: CoreMetrics.Counter]
    private let validation: CoreMetrics.Timer
    private let requests: CoreMetrics.Timer
    private let reloads: [Bool: CoreMetrics.Counter]
    private let connections: CoreMetrics.Meter
    private let keyFetches: CoreMetrics.Counter
    private let keyFetchFailures: CoreMetrics.Counter
    private let revocationReloads: [Bool: CoreMetrics.Counter]
    private let revocationEntries: CoreMetrics.Gauge
    private let revocationReloadSeconds: CoreMetrics.Gauge
    /// Key-source and denylist counters already added, per policy generation (the policy's
    /// sources and denylist watcher are new after a reload, and their counts restart).
    private let counted = Mutex<CountedSoFar>(CountedSoFar())

    private struct CountedSoFar {
        var policy: ObjectIdentifier?
        var fetches = 0
        var failures = 0
        var reloads = 0
        var refusals = 0
    }

    static let requestsName = "jwtbench_gateway_requests_total"

    /// Fresh metrics in a fresh registry.
    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Validation takes microseconds (tens with a signature, under one from the token cache).
        factory.durationHistogramBuckets["jwtbench_gateway_validation_duration_seconds"] = [
            .microseconds(1), .microseconds(5), .microseconds(10), .microseconds(25), .microseconds(50), .microseconds(100),
            .microseconds(250), .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .seconds(1),
        ]
        factory.durationHistogramBuckets["jwtbench_gateway_request_duration_seconds"] = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(5), .seconds(30),
        ]
        self.registry = registry
        allowed = Counter(label: Self.requestsName, dimensions: [("decision", "allow"), ("reason", "")], factory: factory)
        var denied: [ReasonCode: CoreMetrics.Counter] = [:]
        for reason in ReasonCode.allCases {
            denied[reason] = Counter(
                label: Self.requestsName, dimensions: [("decision", "deny"), ("reason", reason.rawValue)], factory: factory)
        }
        self.denied = denied
        var proxyErrors: [String: CoreMetrics.Counter] = [:]
        for error in ProxyError.allCases {
            proxyErrors[error.rawValue] = Counter(
                label: Self.requestsName, dimensions: [("decision", "error"), ("reason", error.rawValue)], factory: factory)
        }
        self.proxyErrors = proxyErrors
        var upstreamErrors: [String: CoreMetrics.Counter] = [:]
        for kind in ["connect", "reset", "timeout", "malformed"] {
            upstreamErrors[kind] = Counter(label: "jwtbench_gateway_upstream_errors_total", dimensions: [("kind", kind)], factory: factory)
        }
        self.upstreamErrors = upstreamErrors
        validation = Timer(label: "jwtbench_gateway_validation_duration_seconds", factory: factory)
        requests = Timer(label: "jwtbench_gateway_request_duration_seconds", factory: factory)
        reloads = [
            true: Counter(label: "jwtbench_gateway_policy_reloads_total", dimensions: [("result", "ok")], factory: factory),
            false: Counter(label: "jwtbench_gateway_policy_reloads_total", dimensions: [("result", "refused")], factory: factory),
        ]
        connections = Meter(label: "jwtbench_gateway_client_connections", factory: factory)
        keyFetches = Counter(label: "jwtbench_gateway_key_fetches_total", factory: factory)
        keyFetchFailures = Counter(label: "jwtbench_gateway_key_fetch_failures_total", factory: factory)
        revocationReloads = [
            true: Counter(label: "jwtbench_gateway_revocation_reloads_total", dimensions: [("result", "ok")], factory: factory),
            false: Counter(label: "jwtbench_gateway_revocation_reloads_total", dimensions: [("result", "refused")], factory: factory),
        ]
        revocationEntries = CoreMetrics.Gauge(label: "jwtbench_gateway_revocation_entries", factory: factory)
        revocationReloadSeconds = CoreMetrics.Gauge(label: "jwtbench_gateway_revocation_last_reload_seconds", factory: factory)
    }

    func recordAllowed() { allowed.increment() }
    func recordDenied(_ reason: ReasonCode) { denied[reason]?.increment() }
    func recordProxyError(_ error: ProxyError) { proxyErrors[error.rawValue]?.increment() }
    func recordUpstreamError(_ failure: UpstreamFailure) { upstreamErrors[failure.kind]?.increment() }
    func recordValidation(nanoseconds: Int64) { validation.recordNanoseconds(nanoseconds) }
    func recordRequest(nanoseconds: Int64) { requests.recordNanoseconds(nanoseconds) }
    func recordReload(succeeded: Bool) { reloads[succeeded]?.increment() }
    func connectionOpened() { connections.increment() }
    func connectionClosed() { connections.decrement() }

    /// The Prometheus text exposition, with the key sources' fetch counts and the denylist's
    /// reloads brought up to date (they are counted where they happen, off the request path,
    /// and added here as deltas).
    func render(policy: GatewayPolicy) -> [UInt8] {
        let counters = policy.sources.remotes.map(\.counters)
        var now = CountedSoFar(policy: ObjectIdentifier(policy))
        now.fetches = counters.reduce(0) { $0 + $1.fetches }
        now.failures = counters.reduce(0) { $0 + $1.fetchFailures }
        let revocation = policy.revocation?.statistics
        now.reloads = revocation?.reloads ?? 0
        now.refusals = revocation?.refusals ?? 0
        let new = counted.withLock { last -> CountedSoFar in
            defer { last = now }
            guard last.policy == now.policy else { return now }
            var delta = now
            delta.fetches = max(0, now.fetches - last.fetches)
            delta.failures = max(0, now.failures - last.failures)
            delta.reloads = max(0, now.reloads - last.reloads)
            delta.refusals = max(0, now.refusals - last.refusals)
            return delta
        }
        if new.fetches > 0 { keyFetches.increment(by: new.fetches) }
        if new.failures > 0 { keyFetchFailures.increment(by: new.failures) }
        if new.reloads > 0 { revocationReloads[true]?.increment(by: new.reloads) }
        if new.refusals > 0 { revocationReloads[false]?.increment(by: new.refusals) }
        revocationEntries.record(revocation?.entries ?? 0)
        revocationReloadSeconds.record(revocation?.lastReloadSeconds ?? 0)
        var bytes: [UInt8] = []
        registry.emit(into: &bytes)
        return bytes
    }
}
