import Foundation
import Measurement

/// `load --target http://...`: tokens from files (`mint --out`'s `tokens.txt`, with its
/// `expected.jsonl` when present) sent to a gateway that holds the policy itself.
public struct HTTPWorkload: Sendable {
    public let url: String
    public let tokens: PolicyTokenSet
    public let connections: Int
    /// Where the tokens came from, for the log and the report.
    public let source: String

    /// Reads the tokens (and the expectations beside them, or `expectedPath`).
    /// - Throws: `HarnessError.usage` for unreadable files.
    public init(url: String, tokensPath: String, expectedPath: String?, connections: Int) throws {
        var expected = expectedPath
        if expected == nil {
            let beside = URL(fileURLWithPath: tokensPath).deletingLastPathComponent().appendingPathComponent("expected.jsonl").path
            if FileManager.default.fileExists(atPath: beside) { expected = beside }
        }
        self.url = url
        tokens = try PolicyTokenSet.load(tokensPath: tokensPath, expectedPath: expected)
        self.connections = connections
        source = tokensPath
    }

    /// One workload per algorithm (or one for all), each an `HTTPLoadTarget` over its tokens.
    func groups(perAlgorithm: Bool) throws -> [(String, LoadDriver.Workload)] {
        let names = tokens.algorithms
        func workload(_ items: [PolicyTokenSet.Item]) throws -> LoadDriver.Workload {
            LoadDriver.Workload(
                target: try HTTPLoadTarget(url: url, tokens: items.map(\.token), connections: connections),
                expected: items.map(\.expected), algorithmIndex: items.map { names.firstIndex(of: $0.algorithm) ?? 0 },
                algorithmNames: names, ids: items.map(\.id))
        }
        if perAlgorithm && names.count > 1 { return try names.map { ($0, try workload(tokens.filtered($0))) } }
        return [(names.joined(separator: "+"), try workload(tokens.items))]
    }
}
