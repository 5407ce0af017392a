import Conformance
import Echo
import Foundation
import JOSECrypto
import Measurement
import Reports

/// The whole of `jwtbench conform` (and `run`'s conformance step): load the selected suites,
/// judge every case against its expectation and the expected-failure list, print the summary,
/// write JUnit XML, the JSON index and TAP as asked.
public struct ConformanceJob: Sendable {
    /// What `jwtbench conform` was asked for, as given on the command line.
    public struct Request: Sendable {
        /// The external vectors folder (`--suites`); nil: `$JWTBENCH_VECTORS`, else
        /// `../shared/vectors` when it exists.
        public var externalVectors: String?
        /// `--suite` values (names, comma-separated, or `all`); empty: every suite.
        public var suites: [String] = []
        public var caseIDs: [String] = []
        public var tags: [String] = []
        /// List the selected cases instead of running them.
        public var list = false
        public var junitPath: String?
        public var jsonPath: String?
        /// TAP 14 on the output; the summary then goes to the error output.
        public var tap = false
        /// The expected-failure list; nil: the project's `vectors/expected-failures.json`.
        public var expectedFailuresPath: String?
        public var backend: any CryptoBackend = AutoBackend()
        /// A test double that breaks the validator on purpose (`allow-all`, `ignore-exp`).
        public var validatorDouble: String?
        /// `--target [POLICY=]URL` values: run the request-shaped cases against these gateways
        /// over HTTP instead of in process (`ConformanceJob+Target.swift`).
        public var targets: [String] = []
        /// `--echo-listen HOST:PORT`: where the echo upstream the gateways forward to listens.
        public var echoListen = "127.0.0.1:8081"
        /// `--gateway-profile`: how strictly denials are judged (`jwtbench`, `generic`).
        public var gatewayProfile = "jwtbench"
        /// With targets: the time the cases are minted for (nil: now). A script that starts the
        /// gateways with files minted at one instant (a denylist of token hashes) passes it.
        public var now: Int64?
        /// An echo upstream already serving (tests); nil: one is started on `echoListen`.
        public var echo: EchoServer?

        public init() {}
    }

    public let request: Request

    public init(_ request: Request) { self.request = request }

    /// Runs the selected cases; `out` gets the summary (or the TAP stream), `err` the summary
    /// when the TAP stream has the output, each as one block of lines without the last line
    /// break. Returns the run (nil when the cases were only listed); `succeeded` says whether
    /// every case was as expected.
    /// - Throws: `HarnessError.usage` for bad usage or configuration (an unknown suite, missing
    ///   vectors, a file that cannot be written).
    public func run(out: (String) -> Void, err: (String) -> Void) throws -> ConformanceRun? {
        if !request.targets.isEmpty { return try runAgainstTargets(out: out, err: err) }
        let r = request
        let selectedSuites: [ConformanceSuite]
        switch ConformanceSuite.parseList(r.suites) {
        case .success(let list): selectedSuites = list
        case .failure(let error): throw HarnessError.usage(error.description)
        }
        let filter = ConformanceFilter(suites: selectedSuites, caseIDs: r.caseIDs, tags: r.tags)
        let engine: any ConformanceEngine
        switch r.validatorDouble {
        case nil: engine = ConformanceValidatorEngine()
        case "allow-all": engine = ConformanceAllowAllDouble()
        case "ignore-exp": engine = ConformanceIgnoreExpDouble()
        case let other?: throw HarnessError.usage("unknown --validator-double \(other); use allow-all or ignore-exp")
        }
        let catalog: ConformanceCatalog
        let selected: [ConformanceCase]
        let expected: ConformanceExpectedFailures
        let projectVectors = ConformanceCatalog.locateProjectVectors()
        do throws(ConformanceError) {
            let toLoad = filter.suitesToLoad
            let external = try ConformanceCatalog.resolveExternalVectors(explicit: r.externalVectors, projectVectors: projectVectors)
            if external == nil, !selectedSuites.isEmpty || !r.caseIDs.isEmpty, let missing = toLoad.first(where: \.isExternal) {
                // Asked for by name (suite or case id): running without it would be a silent pass.
                throw ConformanceError.missingVectors("suite \(missing.rawValue) needs the external vectors: pass --suites DIR")
            }
            catalog = try ConformanceCatalog.load(toLoad, projectVectors: projectVectors, externalVectors: external)
            selected = try filter.select(catalog.cases)
            if let path = r.expectedFailuresPath {
                expected = try ConformanceExpectedFailures.load(path: path)
            } else if let projectVectors {
                expected = try ConformanceExpectedFailures.load(path: projectVectors + "/" + ConformanceExpectedFailures.fileName)
            } else {
                throw ConformanceError.missingVectors(
                    "cannot find vectors/\(ConformanceExpectedFailures.fileName); pass --expected-failures FILE")
            }
        } catch {
            throw HarnessError.usage(error.description)
        }

        if r.list {
            out(Self.trimmed(catalog.notes.map { $0 + "\n" }.joined() + ConformanceConsoleReport.list(selected)))
            return nil
        }
        let run = ConformanceRunner(engine: engine, backend: r.backend, expectedFailures: expected)
            .run(selected, loaded: catalog.cases)
        try report(run, notes: catalog.notes, expected: expected, out: out, err: err)
        return run
    }

    /// Prints the summary (or TAP) and writes the JUnit and JSON files asked for.
    func report(
        _ run: ConformanceRun, notes: [String], expected: ConformanceExpectedFailures, out: (String) -> Void, err: (String) -> Void
    ) throws {
        let r = request
        var summary = notes.map { $0 + "\n" }.joined()
        if let path = expected.path { summary += "expected failures: \(path) (\(expected.entries.count) entries)\n" }
        summary += ConformanceConsoleReport.render(run)
        if r.tap {
            out(Self.trimmed(TAPWriter.render(run.results)))
            err(Self.trimmed(summary))
        } else {
            out(Self.trimmed(summary))
        }
        if let path = r.junitPath { try Self.write(Data(JUnitWriter.render(run.results).utf8), to: path) }
        if let path = r.jsonPath {
            let data: Data
            do { data = try ConformanceJSON.encode(run.results) } catch {
                throw HarnessError.usage("cannot encode the JSON index: \(error)")
            }
            try Self.write(data, to: path)
        }
    }

    /// `text` without its last line break.
    static func trimmed(_ text: String) -> String { text.hasSuffix("\n") ? String(text.dropLast()) : text }

    /// Writes `data` to `path`, creating its folder.
    static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        } catch {
            throw HarnessError.usage("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
