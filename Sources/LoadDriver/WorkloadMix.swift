import Measurement
import TokenMint

/// `--mix`: weights over `good`/`bad` or over variant ids, e.g. `good=0.8,bad=0.2` or
/// `good-plain=0.9,expired=0.05,sig-bitflip=0.05`.
public struct WorkloadMix: Sendable, CustomStringConvertible {
    /// (variants, weight) groups; weights are normalised.
    public let groups: [(name: String, variants: [Variant], weight: Double)]

    public init(parsing spec: String) throws {
        var groups: [(String, [Variant], Double)] = []
        for part in spec.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, let weight = Double(kv[1]), weight >= 0, weight.isFinite else {
                throw HarnessError.usage("--mix entry \"\(part)\" is not NAME=WEIGHT (e.g. good=0.8,bad=0.2)")
            }
            let variants: [Variant]
            switch kv[0] {
            // Request-shaped variants exercise extraction; the load mix uses bare tokens.
            case "good": variants = VariantCatalog.all.filter { $0.isGood && $0.id != "request-good" && $0.id != "body-token-post" }
            case "bad": variants = VariantCatalog.all.filter { !$0.isGood }
            default:
                guard let v = VariantCatalog.variant(kv[0]) else { throw HarnessError.usage("--mix: unknown variant \"\(kv[0])\"") }
                variants = [v]
            }
            if weight > 0 { groups.append((kv[0], variants, weight)) }
        }
        guard !groups.isEmpty else { throw HarnessError.usage("--mix has no positive weight") }
        let total = groups.reduce(0) { $0 + $1.2 }
        self.groups = groups.map { ($0.0, $0.1, $0.2 / total) }
    }

    public var description: String {
        groups.map { "\($0.name)=\(String(format: "%.3g", $0.weight))" }.joined(separator: ",")
    }
}
