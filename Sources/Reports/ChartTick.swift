import Foundation

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
