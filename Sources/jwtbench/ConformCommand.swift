import ArgumentParser
import Conformance
import MainJob
import Measurement

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
            fail; a listed case that passes fails the run, so the list only shrinks. Keys are \
            imported with --crypto-backend (default auto, as every command; the suites give the same \
            result on openssl, boringssl and auto).
            Exit status: 0 when every case is as expected, 1 when any case failed or passed \
            unexpectedly (or the list names a case that does not exist), 2 for bad usage or \
            configuration.
            """)

    @Option(help: ArgumentHelp("Folder with the external vectors (wycheproof/, rfc7515/, jose-cookbook/).", valueName: "dir"))
    var suites: String?
    @Option(
        name: .customLong("suite"),
        help: ArgumentHelp("Run only this suite (repeatable or comma-separated; `all` for every suite).", valueName: "name"))
    var suiteNames: [String] = []
    @Option(name: .customLong("case"), help: ArgumentHelp("Run only the case with this id (repeatable).", valueName: "id"))
    var caseIDs: [String] = []
    @Option(name: .customLong("tag"), help: ArgumentHelp("Run only cases with this tag (repeatable: all must match).", valueName: "tag"))
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
    @OptionGroup var crypto: CryptoBackendOptions<AutoBackendDefault>
    @Option(name: .customLong("target"), help: ArgumentHelp("Gateway under test: [POLICY=]http://HOST:PORT; repeatable.", valueName: "url"))
    var targets: [String] = []
    @Option(help: ArgumentHelp("With --target: where the echo upstream listens (each gateway's upstream).", valueName: "host:port"))
    var echoListen = "127.0.0.1:8081"
    @Option(help: ArgumentHelp("With --target: jwtbench (exact status and reason) or generic (401 or 403).", valueName: "name"))
    var gatewayProfile = "jwtbench"
    @Option(help: ArgumentHelp("With --target: the time the cases are minted for (default now).", valueName: "unix-seconds"))
    var now: Int64?
    /// Test doubles that break the validator on purpose, to show that the run then fails (and
    /// names the cases); hidden because they are for proving the harness, not for users.
    @Option(help: .hidden)
    var validatorDouble: String?

    func run() throws {
        var job = ConformanceJob.Request()
        (job.externalVectors, job.suites, job.caseIDs, job.tags, job.list) = (suites, suiteNames, caseIDs, tags, list)
        (job.junitPath, job.jsonPath, job.tap, job.expectedFailuresPath) = (junit, json, tap, expectedFailures)
        (job.backend, job.validatorDouble) = (try crypto.backend(), validatorDouble)
        (job.targets, job.echoListen, job.gatewayProfile, job.now) = (targets, echoListen, gatewayProfile, now)
        if let run = try ConformanceJob(job).run(out: { print($0) }, err: printError), !run.succeeded {
            throw HarnessError.failed("\(run.failures.count) unexpected results, \(run.staleEntries.count) stale expected failures")
        }
    }
}
