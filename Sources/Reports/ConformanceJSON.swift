import Foundation

/// The conformance JSON index (as Autobahn's): overall and per-suite counts, and every case
/// keyed by its id, pretty-printed with sorted keys so runs diff cleanly.
///
/// ```json
/// { "schema_version": 1,
///   "summary": { "total": 2, "passed": 1, "failed": 1, ... },
///   "suites": { "jwtbench": { "total": 2, ... } },
///   "cases": { "exp-past": { "suite": "jwtbench", "expected": "deny(expired)", "actual": "allow",
///                            "status": "failed", ... } } }
/// ```
public enum ConformanceJSON {
    /// The JSON bytes of `results`; throws when two cases share an id.
    public static func encode(_ results: [ConformanceCaseResult]) throws -> Data {
        var cases: [String: Case] = [:]
        var suites: [String: ConformanceCounts] = [:]
        for r in results {
            guard cases[r.id] == nil else { throw ConformanceReportError.duplicateCaseID(r.id) }
            cases[r.id] = Case(
                suite: r.suite, description: r.description, expected: r.expected, actual: r.actual,
                status: r.status, detail: r.detail)
            suites[r.suite, default: ConformanceCounts()].add(r.status)
        }
        let document = Document(
            schemaVersion: ReportSchema.version, summary: ConformanceCounts(results),
            suites: suites, cases: cases)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(document)
        data.append(0x0A)
        return data
    }

    struct Document: Encodable {
        var schemaVersion: Int
        var summary: ConformanceCounts
        var suites: [String: ConformanceCounts]
        var cases: [String: Case]

        enum CodingKeys: String, CodingKey {
            case summary, suites, cases
            case schemaVersion = "schema_version"
        }
    }

    struct Case: Encodable {
        var suite: String
        var description: String
        var expected: String
        var actual: String
        var status: ConformanceStatus
        var detail: String?
    }
}
