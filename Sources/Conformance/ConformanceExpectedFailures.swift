import Foundation

/// The committed list of cases known to fail (`vectors/expected-failures.json`), each with the
/// reason it fails.
///
/// A listed case that fails is reported as an expected failure and does not fail the run; a
/// listed case that passes is an *unexpected pass* and fails the run, and so does an entry
/// naming a case that no longer exists: the list can only shrink, never go stale.
///
/// ```json
/// { "schema": "jwtbench-expected-failures/1",
///   "description": "...",
///   "expected_failures": [
///     { "suite": "wycheproof-jws", "case": "wycheproof-jws/tc347", "reason": "..." },
///     { "suite": "jwtbench", "case": "jwtbench/expired-at-now/RS256/typical", "reason": "...",
///       "timing_dependent": true } ] }
/// ```
public struct ConformanceExpectedFailures: Sendable, Equatable {
    /// One listed case.
    public struct Entry: Codable, Sendable, Hashable {
        /// The suite's name (`ConformanceSuite.rawValue`).
        public var suite: String
        /// The full case id (`<suite>/<id within the suite>`).
        public var caseID: String
        /// Why the case fails; never empty.
        public var reason: String
        /// `"timing_dependent": true`: the outcome depends on the second a gateway that reads
        /// its own clock gets the request in (a token whose `exp` is the minting second, against
        /// a gateway that checks `now > exp`), so a pass is not an unexpected pass. Only for
        /// such boundary cases; the reason must say which boundary.
        public var timingDependent: Bool?

        /// An entry; the list's initialiser checks it.
        public init(suite: String, caseID: String, reason: String, timingDependent: Bool? = nil) {
            self.suite = suite
            self.caseID = caseID
            self.reason = reason
            self.timingDependent = timingDependent
        }

        enum CodingKeys: String, CodingKey {
            case suite, reason
            case caseID = "case"
            case timingDependent = "timing_dependent"
        }
    }

    struct Document: Codable {
        var schema: String
        var description: String?
        var expectedFailures: [Entry]

        enum CodingKeys: String, CodingKey {
            case schema, description
            case expectedFailures = "expected_failures"
        }
    }

    /// The `schema` value the file must carry.
    public static let schemaName = "jwtbench-expected-failures/1"
    /// The file name, beside `jwtbench-cases.json` in the project's `vectors/`.
    public static let fileName = "expected-failures.json"

    /// The entries, in file order.
    public let entries: [Entry]
    /// Where the list was read from (for messages); nil for a list built in code.
    public let path: String?
    private let byID: [String: Entry]

    /// No expected failures.
    public static let none = ConformanceExpectedFailures(checked: [:], entries: [], path: nil)

    private init(checked byID: [String: Entry], entries: [Entry], path: String?) {
        self.byID = byID
        self.entries = entries
        self.path = path
    }

    /// Checks the rules every entry must keep: a known suite, an id inside that suite, a
    /// non-empty reason, each case once.
    public init(entries: [Entry], path: String? = nil) throws(ConformanceError) {
        let source = path ?? "(in code)"
        var byID: [String: Entry] = [:]
        for entry in entries {
            guard ConformanceSuite(rawValue: entry.suite) != nil else {
                throw .expectedFailures(path: source, "entry \"\(entry.caseID)\" names an unknown suite \"\(entry.suite)\"")
            }
            guard entry.caseID.hasPrefix(entry.suite + "/") else {
                throw .expectedFailures(path: source, "case id \"\(entry.caseID)\" does not start with its suite \"\(entry.suite)/\"")
            }
            guard !entry.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw .expectedFailures(path: source, "entry \"\(entry.caseID)\" has no reason; every expected failure must say why")
            }
            guard byID[entry.caseID] == nil else {
                throw .expectedFailures(path: source, "case \"\(entry.caseID)\" is listed twice")
            }
            byID[entry.caseID] = entry
        }
        self.init(checked: byID, entries: entries, path: path)
    }

    /// Reads and checks the list at `path`.
    public static func load(path: String) throws(ConformanceError) -> ConformanceExpectedFailures {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .expectedFailures(path: path, "cannot be read")
        }
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch {
            throw .expectedFailures(path: path, "not the documented JSON shape: \(error)")
        }
        guard document.schema == schemaName else {
            throw .expectedFailures(path: path, "schema is \"\(document.schema)\", expected \"\(schemaName)\"")
        }
        return try ConformanceExpectedFailures(entries: document.expectedFailures, path: path)
    }

    /// The entry for a case id, if listed.
    public func entry(for caseID: String) -> Entry? { byID[caseID] }

    /// Entries of the suites in `cases` that name none of those cases: stale, because the case
    /// was renamed or removed. Suites with no case in `cases` (not loaded) are not judged.
    public func staleEntries(among cases: [ConformanceCase]) -> [Entry] {
        let suites = Set(cases.map(\.suite.rawValue))
        let ids = Set(cases.map(\.id))
        return entries.filter { suites.contains($0.suite) && !ids.contains($0.caseID) }
    }
}
