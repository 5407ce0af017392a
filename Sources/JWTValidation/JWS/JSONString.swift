/// JSON string literals (RFC 8259, section 7): the project's one JSON string escaper, used by
/// everything that writes JSON by hand (the mint's claims and headers, the `verify` output)
/// and by TAP's YAML blocks (a JSON string is a valid YAML double-quoted scalar; DEL, which
/// YAML does not allow raw, is escaped too).
public enum JSONString {
    /// `s` as a JSON string literal, quotes included: `"` and `\` escaped, `\n`, `\r` and `\t`
    /// as such, every other control character below U+0020 and DEL as `\u00XX` (lowercase
    /// hex); all other characters, non-ASCII included, as they are.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
