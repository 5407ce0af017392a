import ArgumentParser
import Foundation
import LoadDriver
import Measurement
import Reports

/// `jwtbench report`: merge shard reports, compare a run against a baseline.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Merge or compare load reports.", subcommands: [Merge.self, Compare.self])

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge the reports of several shards of one run (summary.json + latency.hlog) losslessly.")

        @Argument(help: "Report folders (shards of one run).")
        var reports: [String]
        @Option(help: "Folder for the merged report.")
        var out: String

        func run() throws {
            let (merged, lines) = try ReportMerger.merge(folders: reports)
            try LoadRun.write(merged, to: URL(fileURLWithPath: out))
            for line in lines { print(line) }
            print("merged \(reports.count) report(s) into \(out)")
        }
    }

    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare a run with a baseline; exit 1 on a regression beyond the limits.")

        @Argument(help: "Baseline report folder (or its summary.json).")
        var base: String
        @Argument(help: "New report folder (or its summary.json).")
        var new: String
        @Option(help: "Largest allowed worsening per metric, e.g. p99=10%,throughput=5%.")
        var maxRegression: String = "p99=10%,throughput=5%"

        func run() throws {
            let comparison = try ReportComparison.compare(basePath: base, newPath: new, limits: maxRegression)
            for line in comparison.consoleLines(limits: maxRegression) { print(line) }
            if !comparison.passed { throw HarnessError.failed("regressed beyond \(maxRegression)") }
        }
    }
}
