import Foundation

/// Number formatting shared by the Markdown and HTML reports, so both show the same digits.
enum ReportFormat {
    /// Nanoseconds as microseconds with about four significant digits (`23.46`, `1234`).
    static func micros(_ nanos: UInt64) -> String { micros(Double(nanos)) }

    static func micros(_ nanos: Double) -> String {
        let micros = nanos / 1000
        switch abs(micros) {
        case ..<10: return String(format: "%.3f", micros)
        case ..<100: return String(format: "%.2f", micros)
        case ..<1000: return String(format: "%.1f", micros)
        default: return String(format: "%.0f", micros)
        }
    }

    /// Operations per second, whole numbers with thousands separators (`123,456`).
    static func rate(_ value: Double) -> String {
        grouped(String(format: "%.0f", value))
    }

    static func count(_ value: UInt64) -> String { grouped(String(value)) }

    static func grouped(_ digits: String) -> String {
        let negative = digits.hasPrefix("-")
        var body = Array(negative ? digits.dropFirst() : Substring(digits))
        var index = body.count - 3
        while index > 0 {
            body.insert(",", at: index)
            index -= 3
        }
        return (negative ? "-" : "") + String(body)
    }

    /// A plain decimal without trailing zeros (`2`, `0.5`, `12.25`).
    static func plain(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        var text = String(format: "%.6f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// A percentage change with sign (`+12.3%`).
    static func percent(_ fraction: Double) -> String {
        String(format: "%+.1f%%", fraction * 100)
    }
}
