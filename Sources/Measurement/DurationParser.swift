/// Parses the harness's duration and rate options: `10s`, `500ms`, `2m`, `1.5` (seconds);
/// `5000/s`, `5000`.
public enum DurationParser {
    public static func seconds(_ text: String) throws -> Double {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("us", 1e-6), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where t.hasSuffix(suffix) {
            if let v = Double(t.dropLast(suffix.count)), v >= 0, v.isFinite { return v * scale }
            break
        }
        if let v = Double(t), v >= 0, v.isFinite { return v }
        throw HarnessError.usage("\"\(text)\" is not a duration (e.g. 10s, 500ms, 2m)")
    }

    public static func rate(_ text: String) throws -> Double {
        var t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t.hasSuffix("/s") { t.removeLast(2) }
        guard let v = Double(t), v > 0, v.isFinite else { throw HarnessError.usage("\"\(text)\" is not a rate (e.g. 5000/s)") }
        return v
    }
}

import Foundation
