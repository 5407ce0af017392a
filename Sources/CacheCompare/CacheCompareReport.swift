import Foundation

/// Everything one `jwtbench cache-compare` run measured: `cache-compare.json` (this type,
/// Codable), `cache-compare.md` and `index.html` under the report folder.
public struct CacheCompareReport: Codable, Sendable {
    /// Version of this JSON document's schema: bumped when a field changes meaning or
    /// disappears; new fields do not bump it.
    public static let currentSchemaVersion = 1

    /// `currentSchemaVersion` when written.
    public var schemaVersion: Int
    /// What produced the document.
    public var tool: String
    /// When the run ended (ISO 8601, UTC).
    public var generatedAt: String
    /// Cores the process could use.
    public var cpuCount: Int
    /// What was asked for.
    public var configuration: CacheCompareConfiguration
    /// Scenario descriptions, by scenario name.
    public var scenarios: [String: String]
    /// How to read the numbers.
    public var notes: [String]
    /// One row per strategy and scenario, in run order.
    public var cells: [CacheCompareCellResult]
    /// Combinations not run, and why.
    public var skipped: [String]

    /// A report of `cells`.
    public init(configuration: CacheCompareConfiguration, cells: [CacheCompareCellResult], skipped: [String], notes: [String]) {
        schemaVersion = Self.currentSchemaVersion
        tool = "jwtbench cache-compare"
        generatedAt = ISO8601DateFormatter().string(from: Date())
        cpuCount = ProcessInfo.processInfo.activeProcessorCount
        self.configuration = configuration
        scenarios = Dictionary(uniqueKeysWithValues: configuration.scenarios.map { ($0.rawValue, $0.summary) })
        self.notes = notes
        self.cells = cells
        self.skipped = skipped
    }

    /// Invalid tokens allowed, over every cell (the run fails unless 0).
    public var falseAccepts: Int { cells.reduce(0) { $0 + $1.falseAccepts } }

    /// The JSON document (sorted keys, so runs diff cleanly).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// Writes `cache-compare.json`, `cache-compare.md` and `index.html` into `directory`
    /// (created if needed).
    public func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try json().write(to: directory.appendingPathComponent("cache-compare.json"))
        try Data(CacheCompareMarkdown.render(self).utf8).write(to: directory.appendingPathComponent("cache-compare.md"))
        try Data(CacheCompareHTML.render(self).utf8).write(to: directory.appendingPathComponent("index.html"))
    }
}
