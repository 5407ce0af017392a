import Conformance
import Echo
import Reports

/// Runs the catalogue's cases as requests (`GatewayCase.mint`) against gateways over HTTP/1.1 and judges each by what the
/// client got and what reached the echo upstream behind the gateway:
/// - allowed: a 2xx, and the request reached the upstream once with its headers and body as
///   sent;
/// - denied: 401 or 403 (under the `jwtbench` profile the reason code's status, body reason and
///   `WWW-Authenticate`), and nothing reached the upstream.
///
/// The verdicts go through the expected-failure list like any conformance run's, so the same
/// console, JUnit, JSON and TAP outputs and exit codes follow.
public struct GatewayConformanceRunner: Sendable {
    /// The gateways under test, one per catalogue policy.
    public let targets: [GatewayTarget]
    /// How strictly denials are judged.
    public let profile: GatewayProfile
    /// The cases known to fail on this kind of gateway.
    public let expectedFailures: ConformanceExpectedFailures
    /// Per request: connect, send and receive, in seconds.
    public let timeout: Double

    /// A runner; the expected-failure list defaults to none.
    public init(
        targets: [GatewayTarget], profile: GatewayProfile, expectedFailures: ConformanceExpectedFailures = .none, timeout: Double = 10
    ) {
        self.targets = targets
        self.profile = profile
        self.expectedFailures = expectedFailures
        self.timeout = timeout
    }

    /// Sends every case whose policy has a target (the others are skipped, saying so), one
    /// connection per case, then judges them all against what `echo` recorded; judging after
    /// the last response also catches a gateway that forwards a denied request late. `loaded`
    /// (default `cases`) is what stale list entries are checked against.
    /// - Throws: `GatewayConformanceError.target` when a gateway cannot be connected to.
    public func run(_ cases: [GatewayCase], loaded: [GatewayCase]? = nil, echo: EchoServer) throws(GatewayConformanceError)
        -> ConformanceRun
    {
        let judge = ConformanceRunner(expectedFailures: expectedFailures)
        echo.reset()
        var responses: [WireHTTPClient.Response??] = []
        for (index, c) in cases.enumerated() {
            guard let target = targets.first(where: { $0.policy == c.policy }) else {
                responses.append(nil)
                continue
            }
            let client = WireHTTPClient(host: target.host, port: target.port, timeout: timeout)
            responses.append(.some(try client.exchange(c.wire(for: target, index: index))))
        }
        var arrivals: [String: [EchoRequest]] = [:]
        for request in echo.requests {
            guard let id = request.values(of: GatewayCase.caseHeader).first else { continue }
            arrivals[id, default: []].append(request)
        }
        var results: [ConformanceCaseResult] = []
        for (c, response) in zip(cases, responses) {
            let id = c.conformance.id
            guard let response else {
                results.append(
                    ConformanceCaseResult(
                        suite: c.conformance.suite.rawValue, id: id, description: c.conformance.description,
                        expected: c.conformance.expectation.description, actual: "not run", status: .skipped,
                        detail: "no --target for policy \(c.policy.rawValue) (pass --target \(c.policy.rawValue)=URL)"))
                continue
            }
            let observation = GatewayObservation(response: response, arrivals: arrivals[id] ?? [])
            let (met, why) = observation.judge(c.conformance.expectation, sent: c.request, profile: profile)
            results.append(judge.judge(c.conformance, met: met, actual: observation.actual(c.request), detail: why))
        }
        return ConformanceRun(
            results: results, staleEntries: expectedFailures.staleEntries(among: (loaded ?? cases).map(\.conformance)),
            engineName: "gateway over HTTP (\(profile) profile: \(targets.map(\.description).joined(separator: ", ")))",
            backendName: "the gateway's own")
    }
}
