import Foundation
import Measurement

/// The situations `jwtbench cache-compare` puts every key-cache strategy through (docs/ARCHITECTURE.md,
/// Key sources and key-cache strategies): each one reproduces a failure users reported against real gateways
/// (ANCHORS.md, "Key caching: what goes wrong elsewhere").
public enum CacheCompareScenario: String, Sendable, Codable, CaseIterable {
    /// Valid tokens only, keys never change: the fast path, and the throughput beside static keys.
    case steady
    /// The issuer rotates mid-run and new tokens carry the new kid; the old key is retired
    /// after an overlap while some tokens signed with it keep arriving.
    case rotation
    /// Every JWKS response is delayed and the set expires during the run: who waits for it.
    case slowIdP = "slow-idp"
    /// After a good start the issuer fails (503, then connection resets) for most of the run.
    case idpOutage = "idp-outage"
    /// Half the tokens carry random unknown kids (forged), at full rate, beside valid ones.
    case kidFlood = "kid-flood"
    /// Every thread starts at once against an empty cache (and a slightly slow issuer).
    case coldStart = "cold-start"

    /// One line for reports.
    public var summary: String {
        switch self {
        case .steady: return "valid tokens only; the key set never changes"
        case .rotation:
            return "rotate at 20% of the run (new tokens use the new kid), old key retired at 40%; 20% of tokens keep using the old key"
        case .slowIdP: return "every JWKS response delayed; max-age 1 s, so the set expires during the run"
        case .idpOutage: return "good start, then 503s and connection resets; max-age 1 s, so the set expires during the outage"
        case .kidFlood: return "half the tokens carry random unknown kids (forged, must be denied), at full rate"
        case .coldStart: return "all threads start at once with an empty cache; issuer answers in 50 ms"
        }
    }

    /// Parses a comma-separated list (`all` for every scenario).
    public static func list(_ text: String) throws -> [CacheCompareScenario] {
        if text.trimmingCharacters(in: .whitespaces) == "all" { return allCases }
        return try text.split(separator: ",").map { part in
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let scenario = CacheCompareScenario(rawValue: name) else {
                throw HarnessError.usage("unknown scenario \"\(name)\"; use \(allCases.map(\.rawValue).joined(separator: ", ")) or all")
            }
            return scenario
        }
    }
}
