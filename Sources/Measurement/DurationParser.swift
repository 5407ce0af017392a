import Foundation

/// The one duration syntax of the project, for policy documents (`jwtbench.key_cache`) and
/// command options alike: `250ms`, `30s`, `15m`, `1h`, `500us`, or a bare number of seconds
/// (`30`, `1.5`); and rates: `5000/s`, `5000`.
public enum DurationParser {
    /// The duration `text` names; nil unless it is a finite, non-negative number (below a
    /// billion seconds) with an optional unit.
    public static func duration(_ text: String) -> Duration? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 1e-3), ("us", 1e-6), ("s", 1), ("m", 60), ("h", 3600)]
        var number = Substring(t)
        var scale = 1.0
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            number = t.dropLast(suffix.count)
            scale = factor
            break
        }
        guard let value = Double(number), value.isFinite, value >= 0, value * scale < 1e9 else { return nil }
        return .nanoseconds(Int64((value * scale * 1e9).rounded()))
    }

    /// Seconds, for command options; a usage error naming `text` when it is not a duration.
    public static func seconds(_ text: String) throws(HarnessError) -> Double {
        guard let d = duration(text) else {
            throw HarnessError.usage("\"\(text)\" is not a duration (e.g. 10s, 500ms, 2m)")
        }
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// A command option's duration (`--header-timeout 10s`); a usage error naming `option`
    /// when `text` is not one, or is zero and `positive` says it must not be.
    public static func option(_ text: String, _ option: String, positive: Bool = true) throws(HarnessError) -> Duration {
        guard let d = duration(text), !positive || d > .zero else {
            throw HarnessError.usage("\(option) \"\(text)\" is not a duration\(positive ? " above zero" : "") (e.g. 500ms, 10s, 2m)")
        }
        return d
    }

    /// A planted stall's `HOLD@AFTER` (`200ms@3s`): how long, and when; nil unless HOLD is a
    /// duration above zero and AFTER a duration (`load --inject-stall`, `echo --stall`).
    public static func holdAfter(_ text: String) -> (hold: Duration, after: Duration)? {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let hold = duration(String(parts[0])), hold > .zero, let after = duration(String(parts[1])) else {
            return nil
        }
        return (hold, after)
    }

    /// Operations per second: `5000/s` or `5000`, above zero.
    public static func rate(_ text: String) throws(HarnessError) -> Double {
        var t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t.hasSuffix("/s") { t.removeLast(2) }
        guard let v = Double(t), v > 0, v.isFinite else { throw HarnessError.usage("\"\(text)\" is not a rate (e.g. 5000/s)") }
        return v
    }
}
