import JOSECrypto
import Reports

/// Runs conformance cases through an engine and judges each decision against the case's
/// expectation and the expected-failure list.
public struct ConformanceRunner: Sendable {
    /// What decides each case.
    public let engine: any ConformanceEngine
    /// The crypto backend keys are imported with.
    public let backend: any CryptoBackend
    /// The committed list of cases known to fail.
    public let expectedFailures: ConformanceExpectedFailures

    /// A runner; by default the real validator, OpenSSL, and no expected failures.
    public init(
        engine: any ConformanceEngine = ConformanceValidatorEngine(), backend: any CryptoBackend = OpenSSLBackend(),
        expectedFailures: ConformanceExpectedFailures = .none
    ) {
        self.engine = engine
        self.backend = backend
        self.expectedFailures = expectedFailures
    }

    /// Runs `cases` in order. `loaded` is every case of the suites that were read (before
    /// filters), against which the list is checked for stale entries; by default `cases`.
    public func run(_ cases: [ConformanceCase], loaded: [ConformanceCase]? = nil) -> ConformanceRun {
        // One prepared trust per setup id: key import is the expensive part of a case, and the
        // cases of a Wycheproof group or a policy share their keys.
        var trusts: [String: ConformanceTrust] = [:]
        var results: [ConformanceCaseResult] = []
        results.reserveCapacity(cases.count)
        for c in cases {
            switch c.body {
            case .skip(let why):
                results.append(
                    ConformanceCaseResult(
                        suite: c.suite.rawValue, id: c.id, description: c.description, expected: c.expectation.description,
                        actual: "not run", status: .skipped, detail: why))
            case .run(let input, let setup, let now):
                let trust: ConformanceTrust
                if let prepared = trusts[setup.id] {
                    trust = prepared
                } else {
                    trust = ConformanceTrust(setup, backend: backend)
                    trusts[setup.id] = trust
                }
                let decision = engine.decide(input, trust: trust, now: now)
                results.append(judge(c, decision))
            }
        }
        return ConformanceRun(
            results: results, staleEntries: expectedFailures.staleEntries(among: loaded ?? cases),
            engineName: engine.name, backendName: backend.name)
    }

    /// The result of one decided case: passed or failed, turned into an expected failure or an
    /// unexpected pass when the case is listed.
    func judge(_ c: ConformanceCase, _ decision: ConformanceDecision) -> ConformanceCaseResult {
        let met = c.expectation.isMet(by: decision)
        var detail = decision.detail
        if met, c.expectation == .acceptable {
            // Either answer passes; say which one this run gave (the actual column has it too).
            detail = "acceptable: either decision passes; this run: \(decision)" + (decision.detail.map { " (\($0))" } ?? "")
        }
        return judge(c, met: met, actual: decision.description, detail: detail)
    }

    /// The result of a case judged elsewhere (`met`: whether what happened meets the case's
    /// expectation, `actual` in the outputs' notation): passed or failed, turned into an
    /// expected failure or an unexpected pass when the case is listed. Engines that observe
    /// more than a decision (a gateway over HTTP: status, what reached the upstream) judge
    /// with their own rules and share the list's.
    public func judge(_ c: ConformanceCase, met: Bool, actual: String, detail: String?) -> ConformanceCaseResult {
        let listed = expectedFailures.entry(for: c.id)
        let status: ConformanceStatus
        var shown: String?
        switch (met, listed) {
        case (true, nil):
            status = .passed
            shown = c.expectation == .acceptable ? detail : nil
        case (true, let entry?) where entry.timingDependent == true:
            status = .passed
            shown = "listed as timing-dependent (\(entry.reason)); passed this run"
        case (true, let entry?):
            status = .unexpectedPass
            shown = "listed as an expected failure (\(entry.reason)) but passed: remove it from the list"
        case (false, nil):
            status = .failed
            shown = detail
        case (false, let entry?):
            status = .expectedFailure
            shown = entry.reason + (detail.map { " [decision: \($0)]" } ?? "")
        }
        return ConformanceCaseResult(
            suite: c.suite.rawValue, id: c.id, description: c.description, expected: c.expectation.description,
            actual: actual, status: status, detail: shown)
    }
}
