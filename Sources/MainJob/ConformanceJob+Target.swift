import Conformance
import Echo
import Foundation
import GatewayConformance
import Measurement

extension ConformanceJob {
    /// `conform --target`: the catalogue's cases as requests (`GatewayCase.mint`), minted now, sent to the gateways under test
    /// over HTTP and judged by what they answered and what reached the echo upstream
    /// (`GatewayConformanceRunner`), with the same summary, outputs and exit codes as the
    /// in-process run.
    /// - Throws: `HarnessError.usage` for bad usage or configuration: a bad target or profile,
    ///   an option that does not apply, an echo address that cannot be bound, a gateway that
    ///   cannot be connected to.
    func runAgainstTargets(out: (String) -> Void, err: (String) -> Void) throws -> ConformanceRun? {
        let r = request
        guard r.validatorDouble == nil, r.externalVectors == nil else {
            throw HarnessError.usage("--validator-double and --suites test the in-process validator; they do not combine with --target")
        }
        let suites: [ConformanceSuite]
        switch ConformanceSuite.parseList(r.suites) {
        case .success(let list): suites = list
        case .failure(let error): throw HarnessError.usage(error.description)
        }
        if let other = suites.first(where: { $0 != .jwtbench }) {
            throw HarnessError.usage("--target runs the jwtbench suite's request cases; --suite \(other) does not apply")
        }
        let targets: [GatewayTarget]
        do throws(GatewayConformanceError) {
            targets = try r.targets.map { text throws(GatewayConformanceError) in try GatewayTarget(parsing: text) }
        } catch {
            throw HarnessError.usage(error.description)
        }
        if let twice = targets.first(where: { t in targets.filter { $0.policy == t.policy }.count > 1 }) {
            throw HarnessError.usage("--target: policy \(twice.policy.rawValue) is given twice")
        }
        guard let profile = GatewayProfile(rawValue: r.gatewayProfile) else {
            throw HarnessError.usage(
                "unknown --gateway-profile \"\(r.gatewayProfile)\"; use \(GatewayProfile.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let now = r.now ?? Int64(Date().timeIntervalSince1970)
        let cases: [GatewayCase]
        do { cases = try GatewayCase.mint(now: now) } catch { throw HarnessError.usage("cannot mint the request cases: \(error)") }
        let expected: ConformanceExpectedFailures
        let selected: [GatewayCase]
        do throws(ConformanceError) {
            let ids = Set(try ConformanceFilter(caseIDs: r.caseIDs, tags: r.tags).select(cases.map(\.conformance)).map(\.id))
            selected = cases.filter { ids.contains($0.conformance.id) }
            let profileList = ConformanceCatalog.locateProjectVectors().map { $0 + "/" + profile.expectedFailuresFile }
            if let path = r.expectedFailuresPath ?? profileList.flatMap({ FileManager.default.fileExists(atPath: $0) ? $0 : nil }) {
                expected = try ConformanceExpectedFailures.load(path: path)
            } else {
                expected = .none
            }
        } catch {
            throw HarnessError.usage(error.description)
        }
        var notes = ["gateways under test (\(profile) profile): \(targets.map(\.description).joined(separator: ", "))"]
        if r.list {
            out(Self.trimmed(notes.map { $0 + "\n" }.joined() + ConformanceConsoleReport.list(selected.map(\.conformance))))
            return nil
        }
        let echo: EchoServer
        do {
            echo = try r.echo ?? EchoServer(configuration: EchoServer.Configuration(listen: r.echoListen))
        } catch {
            throw HarnessError.usage("--echo-listen: \(error)")
        }
        defer { if r.echo == nil { echo.stop() } }
        notes.append("echo upstream: \(echo.url) (each gateway's upstream); \(selected.count) cases minted at \(now)")
        let run: ConformanceRun
        do {
            run = try GatewayConformanceRunner(targets: targets, profile: profile, expectedFailures: expected)
                .run(selected, loaded: cases, echo: echo)
        } catch {
            throw HarnessError.usage(error.description)
        }
        try report(run, notes: notes, expected: expected, out: out, err: err)
        return run
    }
}
