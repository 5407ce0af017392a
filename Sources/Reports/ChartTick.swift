import Foundation

/// How an axis maps data values to positions.
enum ChartScale: Sendable, Equatable {
    /// Evenly spaced values, from 0.
    case linear
    /// Evenly spaced powers of ten (positive values only; the rest are drawn at the axis end).
    case log
}

/// An axis tick: where it sits (in data units) and what it says.
struct ChartTick: Sendable, Equatable {
    var value: Double
    var label: String

    /// About `count` round-numbered ticks (1, 2 or 5 times a power of ten, at least
    /// `minimumStep` apart) from 0 to at least `maximum`; the last tick is the axis end.
    static func linear(upTo maximum: Double, count: Int = 5, minimumStep: Double = 0) -> [ChartTick] {
        let top = maximum > 0 && maximum.isFinite ? maximum : 1
        let raw = top / Double(count)
        let magnitude = pow10(Int((log10(raw)).rounded(.down)))
        let step = max(minimumStep, [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude)
        let decimals = max(0, -Int((log10(step)).rounded(.down)))
        var ticks: [ChartTick] = []
        var i = 0
        while true {
            let value = Double(i) * step
            ticks.append(ChartTick(value: value, label: format(value, decimals: decimals)))
            if value >= top - step * 1e-9 { break }
            i += 1
        }
        return ticks
    }

    /// The HdrHistogram percentile axis: position log10(1/(1-p)), labelled 0%, 90%, 99%,
    /// 99.9%, ... up to `decades` nines.
    static func percentile(decades: Int) -> [ChartTick] {
        (0...max(decades, 1)).map { k in
            let label: String
            switch k {
            case 0: label = "0%"
            case 1: label = "90%"
            case 2: label = "99%"
            default: label = "99." + String(repeating: "9", count: k - 2) + "%"
            }
            return ChartTick(value: Double(k), label: label)
        }
    }

    /// Decade ticks (…, 1 µs, 10 µs, 100 µs, 1 ms, …) for a log latency axis in µs: from the
    /// power of ten at or below `minimum` to the one at or above `maximum`, at least two.
    /// Non-positive or non-finite bounds fall back to 1 µs and 10 µs.
    static func logDecades(from minimum: Double, upTo maximum: Double) -> [ChartTick] {
        let low = minimum > 0 && minimum.isFinite ? minimum : 1
        let high = maximum > 0 && maximum.isFinite ? max(maximum, low) : max(low, 10)
        // The small epsilon keeps an exact power of ten (1000 → 3) on its own decade.
        let first = Int((log10(low) + 1e-9).rounded(.down))
        let last = max(first + 1, Int((log10(high) - 1e-9).rounded(.up)))
        return (first...last).map { k in
            let value = pow10(k)
            return ChartTick(value: value, label: microsLabel(value))
        }
    }

    /// A latency in µs at a power of ten, in the unit that keeps it short: 0.1 µs, 10 µs, 1 ms, 10 s.
    static func microsLabel(_ micros: Double) -> String {
        let (scaled, unit): (Double, String) =
            micros >= 1_000_000 ? (micros / 1_000_000, "s") : micros >= 1000 ? (micros / 1000, "ms") : (micros, "µs")
        let decimals = scaled >= 1 ? 0 : max(0, -Int(log10(scaled).rounded(.down)))
        return format(scaled, decimals: decimals) + " " + unit
    }

    static func pow10(_ exponent: Int) -> Double {
        var value = 1.0
        if exponent >= 0 {
            for _ in 0..<exponent { value *= 10 }
        } else {
            for _ in 0..<(-exponent) { value /= 10 }
        }
        return value
    }

    static func format(_ value: Double, decimals: Int) -> String {
        if decimals == 0 { return ReportFormat.grouped(String(Int64(value.rounded()))) }
        var text = String(Int64((value * pow10(decimals)).rounded()))
        let negative = text.hasPrefix("-")
        if negative { text.removeFirst() }
        while text.count <= decimals { text = "0" + text }
        text.insert(".", at: text.index(text.endIndex, offsetBy: -decimals))
        return (negative ? "-" : "") + text
    }
}
