import Foundation

/// `summary.json`: a `LoadRunSummary` as pretty-printed JSON with sorted keys, so two reports
/// diff line by line and CI scripts can rely on the schema version.
public enum SummaryJSON {
    /// The JSON bytes of `summary` (pretty, sorted keys, trailing newline).
    public static func encode(_ summary: LoadRunSummary) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(summary)
        data.append(0x0A)
        return data
    }

    /// Decodes a summary, refusing a schema version newer than this build understands.
    public static func decode(_ data: Data) throws -> LoadRunSummary {
        struct Versioned: Decodable {
            let schemaVersion: Int
            enum CodingKeys: String, CodingKey { case schemaVersion = "schema_version" }
        }
        let version = try JSONDecoder().decode(Versioned.self, from: data).schemaVersion
        guard version <= ReportSchema.version else { throw ReportError.unsupportedSchemaVersion(version) }
        return try JSONDecoder().decode(LoadRunSummary.self, from: data)
    }
}
