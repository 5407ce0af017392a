import Foundation
import Histogram

/// A load run's results as the report writers need them: the summary plus each series'
/// interval histograms. This is what `reports/<run>/` holds and what `report merge` combines.
///
/// Directory layout (`write(to:)`): `summary.json`, `summary.md`, `index.html`,
/// `latency.hlog` (every series' intervals; tag `<series>` for corrected latency and
/// `<series>.uncorrected` for uncorrected) and `<series>.hgrm` / `<series>.uncorrected.hgrm`.
/// The summary and the `.hlog` are enough to rebuild everything else (`init(contentsOf:)`).
public struct RunReport: Sendable {
    /// The numbers.
    public var summary: LoadRunSummary
    /// Histograms by series name; a series without an entry has no charts and cannot be merged.
    public var histograms: [String: SeriesHistograms]

    /// The JSON summary's file name.
    public static let summaryJSONFile = "summary.json"
    /// The Markdown summary's file name.
    public static let markdownFile = "summary.md"
    /// The HTML page's file name.
    public static let htmlFile = "index.html"
    /// The interval log's file name.
    public static let histogramLogFile = "latency.hlog"

    /// A report from its parts.
    public init(summary: LoadRunSummary, histograms: [String: SeriesHistograms]) {
        self.summary = summary
        self.histograms = histograms
    }

    /// Rebuilds a report from its summary and interval log (the log's intervals are re-based
    /// to the summary's start time).
    public init(summary: LoadRunSummary, log: HistogramLog) throws {
        let runStart = summary.startDate?.timeIntervalSince1970 ?? log.effectiveBaseTime
        func rebased(_ tag: String) -> [IntervalHistogram] {
            log.intervals(tagged: tag).map {
                var interval = $0
                // The log keeps milliseconds; rounding keeps 1.000 from coming back as 0.9999999.
                interval.startSeconds = ((log.absoluteStartSeconds(of: $0) - runStart) * 1000).rounded() / 1000
                interval.tag = nil
                return interval
            }
        }
        var histograms: [String: SeriesHistograms] = [:]
        for series in summary.series {
            let corrected = rebased(SeriesHistograms.correctedTag(series: series.name))
            let uncorrected = rebased(SeriesHistograms.uncorrectedTag(series: series.name))
            if !corrected.isEmpty || !uncorrected.isEmpty {
                histograms[series.name] = SeriesHistograms(corrected: corrected, uncorrected: uncorrected)
            }
        }
        self.init(summary: summary, histograms: histograms)
    }

    /// Reads `summary.json` and `latency.hlog` (when present) from a report directory.
    public init(contentsOf directory: URL) throws {
        let summary = try SummaryJSON.decode(Data(contentsOf: directory.appendingPathComponent(Self.summaryJSONFile)))
        let logURL = directory.appendingPathComponent(Self.histogramLogFile)
        if FileManager.default.fileExists(atPath: logURL.path) {
            try self.init(summary: summary, log: HistogramLogReader.read(contentsOf: logURL))
        } else {
            self.init(summary: summary, histograms: [:])
        }
    }

    /// Checks what the file formats rely on: unique series names that are valid `.hlog` tags.
    public func validate() throws {
        var seen = Set<String>()
        for series in summary.series {
            guard HistogramLogWriter.isValidTag(series.name), !series.name.hasSuffix(".uncorrected") else {
                throw ReportError.invalidSeriesName(series.name)
            }
            guard seen.insert(series.name).inserted else { throw ReportError.duplicateSeries(series.name) }
        }
    }

    /// The whole-series corrected and uncorrected histograms, merged from the intervals.
    public func totals(series: String) throws -> (corrected: Histogram<UInt64>, uncorrected: Histogram<UInt64>)? {
        guard let histograms = histograms[series] else { return nil }
        return (try histograms.correctedTotal(), try histograms.uncorrectedTotal())
    }

    /// The interval log of every series, start and base time at the run's start.
    public func histogramLog() throws -> HistogramLog {
        try validate()
        let start = summary.startDate?.timeIntervalSince1970
        var intervals: [IntervalHistogram] = []
        for series in summary.series {
            guard let histograms = histograms[series.name] else { continue }
            for var interval in histograms.corrected {
                interval.tag = SeriesHistograms.correctedTag(series: series.name)
                intervals.append(interval)
            }
            for var interval in histograms.uncorrected {
                interval.tag = SeriesHistograms.uncorrectedTag(series: series.name)
                intervals.append(interval)
            }
        }
        return HistogramLog(
            startTime: start, baseTime: start, comments: ["[Logged with jwtbench: \(summary.runName)]"],
            intervals: intervals)
    }

    /// The `.hgrm` file name of a series (characters unsafe in file names become `_`).
    public static func hgrmFileName(series: String, corrected: Bool) -> String {
        let safe = String(
            series.unicodeScalars.map {
                CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0) ? Character($0) : "_"
            })
        return corrected ? "\(safe).hgrm" : "\(safe).uncorrected.hgrm"
    }

    /// Writes every report file into `directory` (created if needed); returns the files written.
    @discardableResult
    public func write(to directory: URL) throws -> [URL] {
        try validate()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var written: [URL] = []
        func put(_ name: String, _ data: Data) throws {
            let url = directory.appendingPathComponent(name)
            try data.write(to: url, options: .atomic)
            written.append(url)
        }
        try put(Self.summaryJSONFile, SummaryJSON.encode(summary))
        try put(Self.markdownFile, Data(MarkdownReport.render(summary).utf8))
        try put(Self.htmlFile, Data(HTMLReport.render(self).utf8))
        if !histograms.isEmpty {
            try put(Self.histogramLogFile, Data(HistogramLogWriter.render(histogramLog()).utf8))
        }
        for series in summary.series {
            guard let totals = try totals(series: series.name) else { continue }
            try put(
                Self.hgrmFileName(series: series.name, corrected: true),
                Data(PercentileDistribution.text(of: totals.corrected).utf8))
            try put(
                Self.hgrmFileName(series: series.name, corrected: false),
                Data(PercentileDistribution.text(of: totals.uncorrected).utf8))
        }
        return written
    }
}
