import Foundation
import JWTValidation
import Policy

/// The header values `jwtbench.claim_to_headers` forwards, from the verified tokens.
enum ClaimHeaderValues {
    /// For each mapping whose claim is present (in the first token that has it): strings as
    /// they are, numbers and booleans as JSON text, arrays and objects as compact JSON. A
    /// value with a control character (which would split the header) is left out.
    static func values(for mappings: [(claim: ClaimHeader, lowercasedHeader: String)], from tokens: [VerifiedToken]) -> [(String, String)] {
        guard !mappings.isEmpty else { return [] }
        let payloads = tokens.map(\.payload)
        var result: [(String, String)] = []
        for mapping in mappings {
            let path = mapping.claim.claim.split(separator: ".").map(String.init)
            guard let value = payloads.lazy.compactMap({ lookup(path, in: $0) }).first, let text = headerText(value) else { continue }
            result.append((mapping.claim.header, text))
        }
        return result
    }

    static func lookup(_ path: [String], in object: [String: Any]) -> Any? {
        var current: Any = object
        for name in path {
            guard let members = current as? [String: Any], let next = members[name] else { return nil }
            current = next
        }
        return current is NSNull ? nil : current
    }

    static func headerText(_ value: Any) -> String? {
        let text: String
        if let string = value as? String {
            text = string
        } else if let number = value as? NSNumber {
            // JSON booleans arrive as NSNumbers of type char ("c"); numbers as anything else.
            text = String(cString: number.objCType) == "c" ? (number.boolValue ? "true" : "false") : number.stringValue
        } else if JSONSerialization.isValidJSONObject(value),
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
        {
            text = String(decoding: data, as: UTF8.self)
        } else {
            return nil
        }
        return text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F } ? nil : text
    }
}
