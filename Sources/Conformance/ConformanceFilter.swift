/// The `--suite`, `--case` and `--tag` selection: a case is selected when its suite is one of
/// `suites` (all when empty), its id one of `caseIDs` (all when empty), and it carries every one
/// of `tags` (tags narrow, so `--tag RS256 --tag bad` is the bad RS256 cases).
public struct ConformanceFilter: Sendable, Equatable {
    /// Suites to run; empty: all.
    public var suites: [ConformanceSuite]
    /// Full case ids to run; empty: all.
    public var caseIDs: [String]
    /// Tags a case must all carry.
    public var tags: [String]

    /// A filter; the defaults select everything.
    public init(suites: [ConformanceSuite] = [], caseIDs: [String] = [], tags: [String] = []) {
        self.suites = suites
        self.caseIDs = caseIDs
        self.tags = tags
    }

    /// Whether no filter is set (every loaded case runs).
    public var isEmpty: Bool { suites.isEmpty && caseIDs.isEmpty && tags.isEmpty }

    /// The suites to load: only those that can hold a selected case.
    public var suitesToLoad: [ConformanceSuite] {
        var wanted = suites.isEmpty ? ConformanceSuite.allCases : suites
        if !caseIDs.isEmpty {
            // A case id starts with its suite's name, so other suites need not be read.
            let named = Set(caseIDs.compactMap { id in ConformanceSuite.allCases.first { id.hasPrefix($0.rawValue + "/") } })
            wanted = wanted.filter(named.contains)
        }
        return wanted
    }

    /// Whether `c` is selected.
    public func matches(_ c: ConformanceCase) -> Bool {
        (suites.isEmpty || suites.contains(c.suite))
            && (caseIDs.isEmpty || caseIDs.contains(c.id))
            && tags.allSatisfy(c.tags.contains)
    }

    /// The selected cases. A `--case` id that names no loaded case, or a filter that selects
    /// nothing, is a usage error, so that a typo cannot turn into an empty, passing run.
    public func select(_ cases: [ConformanceCase]) throws(ConformanceError) -> [ConformanceCase] {
        if !caseIDs.isEmpty {
            let known = Set(cases.map(\.id))
            let unknown = caseIDs.filter { !known.contains($0) }
            if !unknown.isEmpty { throw .usage("no case has the id \(unknown.map { "\"\($0)\"" }.joined(separator: ", ")); see --list") }
        }
        let selected = cases.filter(matches)
        if selected.isEmpty && !cases.isEmpty && !isEmpty {
            throw .usage("no case matches the filters (suites \(suites.map(\.rawValue)), cases \(caseIDs), tags \(tags)); see --list")
        }
        return selected
    }
}
