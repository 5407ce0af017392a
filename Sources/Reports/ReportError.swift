import Foundation

/// Why a run report could not be read, written, merged or compared.
public enum ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `summary.json` was written by a newer schema whose fields this build may misread.
    case unsupportedSchemaVersion(Int)
    /// Series names are `.hlog` tags and file names: non-empty, no commas or whitespace, and
    /// not ending in `.uncorrected` (the uncorrected tag's suffix).
    case invalidSeriesName(String)
    /// Two series share a name.
    case duplicateSeries(String)
    /// A series has no histograms where they are needed (HTML charts may skip; merge cannot).
    case missingHistograms(series: String)
    /// Nothing to merge.
    case noShards
    /// Shards of one run must have the same series (names, threads, mode).
    case shardMismatch(String)
    /// A report (or its `summary.json`) that cannot be read or decoded.
    case unreadable(path: String, String)
    /// The same shard given twice (its run id, else run name + start time).
    case duplicateShard(String)

    public var description: String {
        switch self {
        case .unsupportedSchemaVersion(let v):
            return "summary schema version \(v) is newer than this build's \(ReportSchema.version)"
        case .invalidSeriesName(let n):
            return "invalid series name \"\(n)\": must be non-empty, without commas or whitespace, not ending in .uncorrected"
        case .duplicateSeries(let n): return "series \"\(n)\" appears twice"
        case .missingHistograms(let n): return "no histograms for series \"\(n)\""
        case .noShards: return "no shard reports to merge"
        case .shardMismatch(let why): return "shards do not belong to one run: \(why)"
        case .unreadable(let path, let why): return "cannot read \(path): \(why)"
        case .duplicateShard(let id): return "shard \(id) is given more than once"
        }
    }

    /// Why `error` happened, for `unreadable`: a file system error's own sentence, else the
    /// error's description.
    static func reason(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError { return cocoa.localizedDescription }
        return "\(error)"
    }
}
