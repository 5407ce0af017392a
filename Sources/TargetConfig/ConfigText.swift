import Foundation

/// Quoting for the configuration languages written here. Policy values (issuers, audiences,
/// header names) go into other programs' configuration files: a value the format cannot hold
/// safely is refused, never written so that it changes the file's meaning.
enum ConfigText {
    /// A YAML double-quoted scalar (JSON string syntax is valid YAML).
    static func yaml(_ value: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [value], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        let array = String(decoding: data, as: UTF8.self)
        return String(array.dropFirst().dropLast())
    }

    /// A double-quoted NGINX or Apache string: refuses quotes, backslashes, `$` (NGINX
    /// variables), `%` (Apache expressions), braces, semicolons and control characters.
    static func quoted(_ value: String, _ what: String, for gateway: TargetGateway) throws(TargetConfigError) -> String {
        try check(value, what, for: gateway)
        return "\"\(value)\""
    }

    /// Refuses what `quoted` refuses, for values that are first turned into something else
    /// (a regular expression) and then quoted.
    static func check(_ value: String, _ what: String, for gateway: TargetGateway) throws(TargetConfigError) {
        let forbidden = Set("\"\\$%{};")
        guard !value.contains(where: { forbidden.contains($0) || $0.isNewline || ($0.asciiValue.map { $0 < 0x20 } ?? false) })
        else {
            throw TargetConfigError(
                "\(what) \"\(value)\" holds a character (\" \\ $ % { } ; or a control) that \(gateway)'s configuration cannot carry safely")
        }
    }

    /// A double-quoted PCRE matching `before`, `value` as literal text, then `after`; `value`
    /// is checked as `quoted` checks it (the regex syntax around it is ours).
    static func regex(_ before: String, _ value: String, _ after: String, _ what: String, for gateway: TargetGateway)
        throws(TargetConfigError)
        -> String
    {
        try check(value, what, for: gateway)
        var literal = ""
        for c in value {
            if "^.|?*+()[]".contains(c) { literal.append("\\") }
            literal.append(c)
        }
        return "\"\(before)\(literal)\(after)\""
    }
}
