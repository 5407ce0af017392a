import Foundation
import Testing

/// Material the CLI tests share, made once per test run by the binary itself: a `mint --out`
/// folder (RS256 under the catalogue's standard policy, minted at `now` with the project's test
/// keys, so tokens and decisions are the same on every run), request files, a misspelt policy,
/// and a small load report.
struct Fixture: Sendable {
    /// The mint time, and the time every `verify` in the tests validates at.
    static let now = "1700000000"

    let root: URL
    /// `mint --out` (variants good-plain, expired, request-good, token-missing).
    var mint: URL { root.appendingPathComponent("mint") }
    var policy: String { mint.appendingPathComponent("standard/policy.yaml").path }
    var jwks: String { mint.appendingPathComponent("jwks.json").path }
    let goodToken: String
    let expiredToken: String
    /// A request file whose Authorization header carries a good token, and that token.
    let allowedRequest: String
    let allowedRequestToken: String
    /// A request file without the configured token.
    let deniedRequest: String
    /// The standard policy with `audience` misspelt (policy parsing is strict).
    let badPolicy: String
    /// A tokens file holding only the expired token (for `load --policy`: a mismatch).
    let expiredTokens: String
    /// A small `load` report folder, and a copy whose throughput is halved.
    let loadReport: String
    let regressedReport: String

    /// `verify`'s arguments for the fixture's policy, keys and time.
    var verify: [String] { ["verify", "--policy", policy, "--keys", jwks, "--now", Self.now] }

    static let shared: Result<Fixture, any Error> = Result { try Fixture() }

    static func get() throws -> Fixture { try shared.get() }

    private init() throws {
        let root = try CLI.temporaryDirectory()
        self.root = root
        let mint = root.appendingPathComponent("mint")
        let minted = try CLI.run([
            "mint", "--out", mint.path, "--now", Self.now, "--algs", "RS256", "--threads", "1",
            "--variants", "good-plain,expired,request-good,token-missing",
        ])
        guard minted.status == 0 else { throw FixtureError("mint failed: \(minted.stderr)") }
        let tokens = try String(contentsOf: mint.appendingPathComponent("standard/tokens.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let expected = try String(contentsOf: mint.appendingPathComponent("standard/expected.jsonl"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        func token(_ variant: String) throws -> String {
            guard let i = expected.firstIndex(where: { $0.contains("\"variant\":\"\(variant)\"") }) else {
                throw FixtureError("no \(variant) token in the mint output")
            }
            return tokens[i]
        }
        goodToken = try token("good-plain")
        expiredToken = try token("expired")

        // requests.jsonl: one case per line, its `request` member is a request file's content.
        var requests: [String: [String: Any]] = [:]
        for line in try String(contentsOf: mint.appendingPathComponent("requests.jsonl"), encoding: .utf8).split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            if let variant = object["variant"] as? String, let request = object["request"] as? [String: Any] {
                requests[variant] = request
            }
        }
        func write(_ request: [String: Any]?, _ name: String) throws -> String {
            guard let request else { throw FixtureError("no request for \(name)") }
            let url = root.appendingPathComponent(name)
            try JSONSerialization.data(withJSONObject: request).write(to: url)
            return url.path
        }
        allowedRequest = try write(requests["request-good"], "request-allowed.json")
        deniedRequest = try write(requests["token-missing"], "request-denied.json")
        let headers = requests["request-good"]?["headers"] as? [[String]] ?? []
        guard let authorization = headers.first(where: { $0.first == "Authorization" })?.last,
            authorization.hasPrefix("Bearer ")
        else { throw FixtureError("the good request has no Bearer token") }
        allowedRequestToken = String(authorization.dropFirst("Bearer ".count))

        let standard = try String(contentsOfFile: mint.appendingPathComponent("standard/policy.yaml").path, encoding: .utf8)
        badPolicy = root.appendingPathComponent("bad-policy.yaml").path
        try Data(standard.replacingOccurrences(of: "audience:", with: "audiance:").utf8).write(to: URL(fileURLWithPath: badPolicy))
        expiredTokens = root.appendingPathComponent("expired.txt").path
        try Data((expiredToken + "\n").utf8).write(to: URL(fileURLWithPath: expiredTokens))

        loadReport = root.appendingPathComponent("load").path
        let load = try CLI.run([
            "load", "--algs", "HS256", "--duration", "100ms", "--warmup", "0s", "--threads", "1",
            "--corpus", "16", "--quiet", "--out", loadReport,
        ])
        guard load.status == 0 else { throw FixtureError("load failed: \(load.stderr)") }
        regressedReport = root.appendingPathComponent("regressed").path
        try FileManager.default.createDirectory(atPath: regressedReport, withIntermediateDirectories: true)
        let summaryURL = URL(fileURLWithPath: loadReport).appendingPathComponent("summary.json")
        var summary = try JSONSerialization.jsonObject(with: Data(contentsOf: summaryURL)) as? [String: Any] ?? [:]
        summary["series"] = (summary["series"] as? [[String: Any]] ?? []).map { series in
            var s = series
            s["operations_per_second"] = (series["operations_per_second"] as? Double ?? 0) / 2
            return s
        }
        try JSONSerialization.data(withJSONObject: summary)
            .write(to: URL(fileURLWithPath: regressedReport).appendingPathComponent("summary.json"))
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
