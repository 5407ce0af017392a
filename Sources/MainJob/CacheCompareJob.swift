import CacheCompare
import Foundation
import Measurement
import Reports

/// The whole of `jwtbench cache-compare` (and `run`'s quick comparison): every strategy through
/// every scenario against the embedded issuer, the report written, the table printed.
public struct CacheCompareJob: Sendable {
    /// What `jwtbench cache-compare` was asked for, as given on the command line.
    public struct Request: Sendable {
        /// Strategies, comma-separated, or `all`.
        public var strategies = CacheCompareConfiguration.allStrategies.joined(separator: ",")
        /// Scenarios, comma-separated, or `all`.
        public var scenarios = "all"
        /// nil: the core count.
        public var threads: Int?
        public var duration = "5s"
        public var outage: String?
        public var cooldown = "1s"
        public var slowLatency = "200ms"
        public var out: String?
        public var quiet = false

        public init() {}

        /// The comparison's configuration, checked.
        /// - Throws: `HarnessError.usage` naming the option that is wrong.
        public func configuration() throws -> CacheCompareConfiguration {
            let configuration = CacheCompareConfiguration(
                strategies: CacheCompareConfiguration.strategyList(strategies), scenarios: try CacheCompareScenario.list(scenarios),
                threads: threads ?? ProcessInfo.processInfo.activeProcessorCount, durationSeconds: try DurationParser.seconds(duration),
                outageSeconds: try outage.map(DurationParser.seconds), cooldownSeconds: try DurationParser.seconds(cooldown),
                slowLatencySeconds: try DurationParser.seconds(slowLatency))
            try configuration.validate()
            return configuration
        }
    }

    public let configuration: CacheCompareConfiguration
    public let directory: URL
    public let quiet: Bool

    /// A comparison from the command line's options; the report goes to `--out`, else
    /// `reports/cache-compare-<time>`.
    public init(_ request: Request) throws {
        self.init(try request.configuration(), into: ReportDirectory(out: request.out, prefix: "cache-compare").url, quiet: request.quiet)
    }

    public init(_ configuration: CacheCompareConfiguration, into directory: URL, quiet: Bool) {
        (self.configuration, self.directory, self.quiet) = (configuration, directory, quiet)
    }

    /// Runs every cell, writes the report into `directory` and logs the table.
    /// - Throws: `HarnessError.failed` when a cell could not run (the issuer did not bind, the
    ///   first key set never loaded): a failed check, not bad usage.
    public func run(log: (String) -> Void) throws -> CacheCompareReport {
        let c = configuration
        if !quiet {
            log("cache-compare: \(c.strategies.count * c.scenarios.count) cells, \(c.threads) threads, \(c.durationSeconds) s each")
        }
        let report: CacheCompareReport
        do {
            report = try CacheCompareRunner(configuration: c).run { line in if !quiet { log(line) } }
        } catch let e as HarnessError {
            throw HarnessError.failed(e.description)
        }
        try report.write(to: directory)
        log(CacheCompareMarkdown.table(report.cells))
        return report
    }
}
