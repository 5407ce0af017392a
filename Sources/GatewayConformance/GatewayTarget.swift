import Foundation
import TokenMint

/// One gateway under test (`--target [POLICY=]URL`): where it listens and which catalogue
/// policy it enforces. A gateway enforces one policy, and the request cases name two
/// (`standard`, `body-token`), so a run takes one target per policy; a bare URL is `standard`.
public struct GatewayTarget: Sendable, Hashable, CustomStringConvertible {
    /// The catalogue policy the gateway was started with (`mint --out` writes its file).
    public var policy: CatalogPolicy
    public var host: String
    public var port: Int
    /// A path the cases' paths go under (`http://gw:8080/api` -> `/api/jwtbench-conform/...`);
    /// empty for none, else starting with `/` and without a trailing one.
    public var pathPrefix: String

    /// A target from `[POLICY=]http://HOST[:PORT][/PREFIX]`.
    /// - Throws: `GatewayConformanceError.usage` for an unknown policy or a URL that is not
    ///   plain `http://` with a host.
    public init(parsing text: String) throws(GatewayConformanceError) {
        var policyName = CatalogPolicy.standard.rawValue
        var url = text
        if let equals = text.firstIndex(of: "="), !text[..<equals].contains(":") {
            policyName = String(text[..<equals])
            url = String(text[text.index(after: equals)...])
        }
        guard let policy = CatalogPolicy(rawValue: policyName) else {
            throw .usage(
                "--target \(text): unknown catalogue policy \"\(policyName)\"; known: \(CatalogPolicy.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        guard let parts = URLComponents(string: url), parts.scheme == "http", let host = parts.host, !host.isEmpty,
            parts.query == nil, parts.fragment == nil
        else {
            throw .usage("--target \(text) is not [POLICY=]http://HOST[:PORT][/PREFIX] (plain HTTP/1.1; no query)")
        }
        self.policy = policy
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = parts.port ?? 80
        var prefix = parts.path
        while prefix.hasSuffix("/") { prefix.removeLast() }
        self.pathPrefix = prefix
    }

    /// `http://HOST:PORT/PREFIX` (without the policy).
    public var url: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "http://\(shownHost):\(port)\(pathPrefix)"
    }

    /// `POLICY=URL`.
    public var description: String { "\(policy.rawValue)=\(url)" }
}
