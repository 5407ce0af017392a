import Foundation
import KeySources
import Measurement

/// What `jwtbench cache-compare` runs: strategies x scenarios, and the knobs of the timeline.
///
/// Real defaults (a 15-minute refresh, a 30 s cooldown, a 60 s minimum TTL) would make a
/// few-second cell show nothing but the fast path, so the comparison scales time down: the
/// issuer grants `max-age=1` where expiry must happen during the run, `min_ttl` is lowered to
/// 1 s so that max-age is honoured, and the unknown-kid cooldown is `cooldownSeconds`. Every
/// strategy gets the same knobs, so the comparison stays fair.
public struct CacheCompareConfiguration: Sendable, Codable {
    /// Strategy names (`KeyCacheStrategy.named`), plus `static` for keys loaded once, never
    /// fetched (the throughput reference).
    public var strategies: [String]
    /// Scenarios, in order.
    public var scenarios: [CacheCompareScenario]
    /// Worker OS threads per cell.
    public var threads: Int
    /// Measured seconds per cell (the outage cell runs longer if the outage needs it).
    public var durationSeconds: Double
    /// Length of the `idp-outage` fault; nil: the cell's duration minus a lead and a tail.
    public var outageSeconds: Double?
    /// The unknown-kid refetch cooldown given to strategies that refetch on unknown kids.
    public var cooldownSeconds: Double
    /// The issuer's delay per response in `slow-idp`.
    public var slowLatencySeconds: Double

    /// The name of the pseudo-strategy with fixed keys.
    public static let staticKeys = "static"
    /// Every strategy `cache-compare` knows, in report order.
    public static let allStrategies = [staticKeys] + KeyCacheStrategy.names

    /// A configuration; see the properties.
    public init(
        strategies: [String] = allStrategies, scenarios: [CacheCompareScenario] = CacheCompareScenario.allCases,
        threads: Int = 2, durationSeconds: Double = 5, outageSeconds: Double? = nil, cooldownSeconds: Double = 1,
        slowLatencySeconds: Double = 0.2
    ) {
        self.strategies = strategies
        self.scenarios = scenarios
        self.threads = threads
        self.durationSeconds = durationSeconds
        self.outageSeconds = outageSeconds
        self.cooldownSeconds = cooldownSeconds
        self.slowLatencySeconds = slowLatencySeconds
    }

    /// Checks the values and every strategy name; the error names what is wrong.
    public func validate() throws {
        guard threads >= 1 && threads <= 1024 else { throw HarnessError.usage("--threads must be 1...1024") }
        guard durationSeconds >= 0.5 else { throw HarnessError.usage("--duration must be at least 0.5 s") }
        guard cooldownSeconds > 0 else { throw HarnessError.usage("--cooldown must be above zero") }
        if let o = outageSeconds, o <= 0 { throw HarnessError.usage("--outage must be above zero") }
        guard !strategies.isEmpty, !scenarios.isEmpty else { throw HarnessError.usage("no strategy or no scenario to run") }
        for name in strategies where name != Self.staticKeys { _ = try strategy(named: name) }
    }

    /// The strategy `name` with the comparison's scaled-down knobs (see the type), or nil for
    /// `static`.
    public func strategy(named name: String) throws -> KeyCacheStrategy? {
        if name == Self.staticKeys { return nil }
        do {
            let plain = try KeyCacheStrategy.named(name)
            var options = ["min_ttl": "1"]
            // Only where the strategy refetches on unknown kids: the option would switch
            // that on for the others.
            if plain.unknownKid != nil { options["cooldown"] = Self.format(cooldownSeconds) }
            return try KeyCacheStrategy(settings: .init(strategy: name, options: options))
        } catch {
            throw HarnessError.usage("--strategies: \(error)")
        }
    }

    /// The lead before, and the length of, the `idp-outage` fault, and the cell's length.
    public var outagePlan: (lead: Double, outage: Double, cell: Double) {
        let lead = min(1, durationSeconds * 0.2)
        let outage = outageSeconds ?? max(0.5, durationSeconds - 2 * lead)
        return (lead, outage, max(durationSeconds, 2 * lead + outage))
    }

    /// Parses a comma-separated strategy list (`all` for every one).
    public static func strategyList(_ text: String) -> [String] {
        if text.trimmingCharacters(in: .whitespaces) == "all" { return allStrategies }
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private static func format(_ seconds: Double) -> String { String(format: "%.3fs", seconds) }
}
