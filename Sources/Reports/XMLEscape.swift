/// Escaping for the XML-based outputs (XHTML reports, SVG, JUnit), which must parse as XML.
public enum XMLEscape {
    /// Text content: `&`, `<`, `>` escaped; characters XML 1.0 forbids (most C0 controls,
    /// which a decoded token's garbage can contain) replaced by U+FFFD so the file still parses.
    public static func text(_ value: String) -> String { escape(value, attribute: false) }

    /// Attribute values (always double-quoted): also `"` and `'`, and tab/CR/LF as character
    /// references, because a parser would otherwise normalize them to spaces.
    public static func attribute(_ value: String) -> String { escape(value, attribute: true) }

    private static func escape(_ value: String, attribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "'" where attribute: out += "&apos;"
            case "\n" where attribute: out += "&#10;"
            case "\r" where attribute: out += "&#13;"
            case "\t" where attribute: out += "&#9;"
            default: out.unicodeScalars.append(allowed(scalar) ? scalar : "\u{FFFD}")
            }
        }
        return out
    }

    /// Whether XML 1.0 allows `scalar` in a document.
    public static func allowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: return true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }
}
