import ArgumentParser
import Foundation
import Reports
import LoadDriver

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
            guard !reports.isEmpty else { throw CLIError.usage("name at least one report folder") }
            let shards: [RunReport]
            do {
                shards = try reports.map { try RunReport(contentsOf: URL(fileURLWithPath: $0)) }
            } catch {
                throw CLIError.configuration("cannot read report: \(error)")
            }
            let merged: RunReport
            do { merged = try ReportMerger.merge(shards) } catch { throw CLIError.configuration("\(error)") }
            try LoadRun.write(merged, to: URL(fileURLWithPath: out))
            for s in merged.summary.series {
                print(String(format: "%@: %llu operations, %.0f ops/s, p99 %.1f µs (corrected)", s.name, s.operations,
                             s.operationsPerSecond, Double(s.correctedLatencyNanos.p99) / 1000))
            }
            print("merged \(shards.count) report(s) into \(out)")
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
            func load(_ path: String) throws -> LoadRunSummary {
                let url = URL(fileURLWithPath: path)
                let file = url.pathExtension == "json" ? url : url.appendingPathComponent(RunReport.summaryJSONFile)
                do { return try SummaryJSON.decode(Data(contentsOf: file)) } catch {
                    throw CLIError.configuration("cannot read \(file.path): \(error)")
                }
            }
            let comparison: ReportComparison
            do {
                comparison = try ReportComparison.compare(base: try load(base), new: try load(new), limits: maxRegression)
            } catch let e as CLIError {
                throw e
            } catch {
                throw CLIError.usage("--max-regression: \(error)")
            }
            func line(_ c: MetricChange) -> String {
                let pct = c.change.map { String(format: "%+.1f%%", $0 * 100) } ?? "n/a"
                return "\(c.series) \(c.metric): \(String(format: "%.1f", c.base)) -> \(String(format: "%.1f", c.new)) (\(pct), limit \(String(format: "%.0f%%", c.limit * 100)))"
            }
            for r in comparison.regressions { print("REGRESSION \(line(r))") }
            for i in comparison.improvements { print("improved   \(line(i))") }
            for m in comparison.missingSeries { print("MISSING    series \(m) is not in the new run") }
            print(comparison.passed ? "no regression beyond \(maxRegression)" : "regressed beyond \(maxRegression)")
            if !comparison.passed { throw ExitCode(1) }
        }
    }
}
