import ArgumentParser
import Foundation
import JOSECrypto
import Reports
import Conformance

/// `jwtbench conform`: the conformance suites, case by case, for CI (docs/conformance.md).
struct ConformCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conform",
        abstract: "Run the conformance suites (project vectors, Wycheproof, RFC 7515/7520) and report every case.",
        discussion: """
            Suites: \(ConformanceSuite.allCases.map(\.rawValue).joined(separator: ", ")). The project's vectors \
            come from vectors/jwtbench-cases.json; the external suites from --suites DIR (default: \
            $JWTBENCH_VECTORS, else ../shared/vectors when it exists; without it only the project's \
            vectors run, and the summary says so). How each external case becomes a decision: \
            docs/conformance.md. Cases listed in vectors/expected-failures.json are expected to \
            fail; a listed case that passes fails the run, so the list only shrinks.
            Exit status: 0 when every case is as expected, 1 when any case failed or passed \
            unexpectedly (or the list names a case that does not exist), 2 for bad usage or \
            configuration.
            """)

    @Option(help: ArgumentHelp("Folder with the external vectors (wycheproof/, rfc7515/, jose-cookbook/).", valueName: "dir"))
    var suites: String?
    @Option(name: .customLong("suite"), help: ArgumentHelp("Run only this suite (repeatable or comma-separated; `all` for every suite).", valueName: "name"))
    var suiteNames: [String] = []
    @Option(name: .customLong("case"), help: ArgumentHelp("Run only the case with this id (repeatable).", valueName: "id"))
    var caseIDs: [String] = []
    @Option(name: .customLong("tag"), help: ArgumentHelp("Run only cases carrying this tag (repeatable: all must match).", valueName: "tag"))
    var tags: [String] = []
    @Flag(help: "List the selected cases (id, expected decision, tags, description) without running them.")
    var list = false
    @Option(help: ArgumentHelp("Write JUnit XML (one testcase per case) to this file.", valueName: "file"))
    var junit: String?
    @Option(help: ArgumentHelp("Write the JSON index (counts, and every case keyed by id) to this file.", valueName: "file"))
    var json: String?
    @Flag(help: "Write TAP version 14 to stdout (the summary then goes to stderr).")
    var tap = false
    @Option(help: ArgumentHelp("The expected-failure list (default: vectors/\(ConformanceExpectedFailures.fileName)).", valueName: "file"))
    var expectedFailures: String?
    @Option(help: ArgumentHelp("Crypto backend keys are imported with: \(CryptoBackends.names.joined(separator: ", ")).", valueName: "name"))
    var cryptoBackend: String = "openssl"
    /// Test doubles that break the validator on purpose, to show that the run then fails (and
    /// names the cases); hidden because they are for proving the harness, not for users.
    @Option(help: .hidden)
    var validatorDouble: String?

    func run() throws {
        let selectedSuites: [ConformanceSuite]
        switch ConformanceSuite.parseList(suiteNames) {
        case .success(let list): selectedSuites = list
        case .failure(let error): throw CLIError.usage(error.description)
        }
        let filter = ConformanceFilter(suites: selectedSuites, caseIDs: caseIDs, tags: tags)
        guard let backend = CryptoBackends.named(cryptoBackend) else {
            throw CLIError.usage("unknown --crypto-backend \(cryptoBackend); use \(CryptoBackends.names.joined(separator: ", "))")
        }
        let engine: any ConformanceEngine
        switch validatorDouble {
        case nil: engine = ConformanceValidatorEngine()
        case "allow-all": engine = ConformanceAllowAllDouble()
        case "ignore-exp": engine = ConformanceIgnoreExpDouble()
        case let other?: throw CLIError.usage("unknown --validator-double \(other); use allow-all or ignore-exp")
        }

        let catalog: ConformanceCatalog
        let selected: [ConformanceCase]
        let expected: ConformanceExpectedFailures
        let projectVectors = ConformanceCatalog.locateProjectVectors()
        do throws(ConformanceError) {
            let toLoad = filter.suitesToLoad
            let external = try ConformanceCatalog.resolveExternalVectors(explicit: suites, projectVectors: projectVectors)
            if external == nil, !selectedSuites.isEmpty || !caseIDs.isEmpty, let missing = toLoad.first(where: \.isExternal) {
                // Asked for by name (suite or case id): running without it would be a silent pass.
                throw ConformanceError.missingVectors("suite \(missing.rawValue) needs the external vectors: pass --suites DIR")
            }
            catalog = try ConformanceCatalog.load(toLoad, projectVectors: projectVectors, externalVectors: external)
            selected = try filter.select(catalog.cases)
            if let expectedFailures {
                expected = try ConformanceExpectedFailures.load(path: expectedFailures)
            } else if let projectVectors {
                expected = try ConformanceExpectedFailures.load(path: projectVectors + "/" + ConformanceExpectedFailures.fileName)
            } else {
                throw ConformanceError.missingVectors("cannot find vectors/\(ConformanceExpectedFailures.fileName); pass --expected-failures FILE")
            }
        } catch {
            if case .usage(let message) = error { throw CLIError.usage(message) }
            throw CLIError.configuration(error.description)
        }

        if list {
            for note in catalog.notes { print(note) }
            print(ConformanceConsoleReport.list(selected), terminator: "")
            return
        }

        let runner = ConformanceRunner(engine: engine, backend: backend, expectedFailures: expected)
        let run = runner.run(selected, loaded: catalog.cases)

        // With --tap, stdout is the TAP stream alone; people read the summary on stderr.
        var summary = catalog.notes.map { $0 + "\n" }.joined()
        if let path = expected.path { summary += "expected failures: \(path) (\(expected.entries.count) entries)\n" }
        summary += ConformanceConsoleReport.render(run)
        if tap {
            print(TAPWriter.render(run.results), terminator: "")
            FileHandle.standardError.write(Data(summary.utf8))
        } else {
            print(summary, terminator: "")
        }
        if let junit {
            try write(JUnitWriter.render(run.results), to: junit)
        }
        if let json {
            let data: Data
            do { data = try ConformanceJSON.encode(run.results) } catch {
                throw CLIError.configuration("cannot encode the JSON index: \(error)")
            }
            try write(data, to: json)
        }
        if !run.succeeded { throw ExitCode(1) }
    }

    private func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    private func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        } catch {
            throw CLIError.configuration("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
