import JWTValidation

/// TAP version 14 (Test Anything Protocol) for TAP consumers (prove, tap-parser, CI plugins):
/// the plan `1..N`, then per case `ok N - id` or `not ok N - id`.
///
/// Failures carry a YAML diagnostic block (message, suite, expected, actual, detail); skipped
/// cases `# SKIP reason`; expected failures `not ok ... # TODO expected failure: reason`
/// (TAP's TODO: a known failure that does not fail the run); unexpected passes are `not ok`
/// with a diagnostic, as they fail the run.
public enum TAPWriter {
    /// The TAP 14 document of `results`, in order.
    public static func render(_ results: [ConformanceCaseResult]) -> String {
        var tap = "TAP version 14\n1..\(results.count)\n"
        for (offset, r) in results.enumerated() {
            let number = offset + 1
            let id = escape(r.id)
            switch r.status {
            case .passed:
                tap += "ok \(number) - \(id)\n"
            case .skipped:
                tap += "ok \(number) - \(id) # SKIP \(escape(r.detail ?? "skipped"))\n"
            case .expectedFailure:
                tap += "not ok \(number) - \(id) # TODO expected failure: \(escape(r.detail ?? "listed as an expected failure"))\n"
            case .failed, .unexpectedPass:
                tap += "not ok \(number) - \(id)\n"
                let message =
                    r.status == .failed
                    ? "expected \(r.expected), got \(r.actual)"
                    : "passed but listed as an expected failure; remove it from the list"
                var diagnostics = [
                    ("message", yaml(message)), ("severity", "fail"), ("suite", yaml(r.suite)),
                    ("description", yaml(r.description)), ("expected", yaml(r.expected)), ("actual", yaml(r.actual)),
                ]
                if let detail = r.detail { diagnostics.append(("detail", yaml(detail))) }
                tap += "  ---\n"
                for (key, value) in diagnostics { tap += "  \(key): \(value)\n" }
                tap += "  ...\n"
            }
        }
        return tap
    }

    /// A test point description: `#` starts a directive and `\` escapes in TAP 14, so both are
    /// escaped; a line break would end the test point, so it becomes a space.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "#", with: "\\#")
            .replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
    }

    /// A YAML double-quoted scalar: a JSON string literal is one, so any text is safe.
    static func yaml(_ text: String) -> String { JSONString.quote(text) }
}
