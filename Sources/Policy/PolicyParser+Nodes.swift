import Foundation
import JOSECrypto
import JWTValidation
import Yams

/// Typed access to YAML nodes, with errors that name the field.
extension PolicyParser {
    func mapping(_ node: Node, _ field: String) throws(PolicyError) -> Node.Mapping {
        guard case .mapping(let mapping) = node else {
            throw PolicyError(.invalidConfiguration, field, "must be a mapping, found \(Self.kind(node))")
        }
        return mapping
    }

    func sequence(_ node: Node, _ field: String) throws(PolicyError) -> Node.Sequence {
        guard case .sequence(let sequence) = node else {
            throw PolicyError(.invalidConfiguration, field, "must be a list, found \(Self.kind(node))")
        }
        return sequence
    }

    /// A string scalar: plain, quoted or `!!str`. Numbers, booleans and null are refused
    /// rather than converted, so `value: no` cannot quietly become the issuer "false".
    func string(_ node: Node?, _ field: String, _ code: PolicyError.Code) throws(PolicyError) -> String {
        guard let node else {
            throw PolicyError(code, field, "is required")
        }
        guard case .scalar(let scalar) = node, Self.tagName(node) == .str else {
            throw PolicyError(code, field, "must be a string, found \(Self.kind(node)) (quote it)")
        }
        return scalar.string
    }

    func integer(_ node: Node, _ field: String, in range: ClosedRange<Int64>, unit: String) throws(PolicyError) -> Int64 {
        guard case .scalar = node, Self.tagName(node) == .int, let value = node.int else {
            throw PolicyError(
                .invalidConfiguration, field,
                "must be a whole number of \(unit), found \(Self.kind(node))")
        }
        guard range.contains(Int64(value)) else {
            throw PolicyError(
                .invalidConfiguration, field,
                "\(value) is out of range: use \(range.lowerBound)...\(range.upperBound) \(unit)")
        }
        return Int64(value)
    }

    func boolean(_ node: Node, _ field: String) throws(PolicyError) -> Bool {
        guard case .scalar = node, Self.tagName(node) == .bool, let value = node.bool else {
            throw PolicyError(.invalidConfiguration, field, "must be true or false, found \(Self.kind(node))")
        }
        return value
    }

    func keyName(_ node: Node, _ field: String) throws(PolicyError) -> String {
        if Self.tagName(node) == .merge {
            // `<<` would splice another mapping in, past our unknown-field check.
            throw PolicyError(.invalidConfiguration, field, "YAML merge keys (<<) are not supported; write the fields out")
        }
        guard case .scalar(let scalar) = node, Self.tagName(node) == .str else {
            throw PolicyError(.invalidConfiguration, field, "member names must be strings, found \(Self.kind(node))")
        }
        return scalar.string
    }

    /// Refuses unknown members: a misspelt field must be an error, never silently ignored.
    func checkKeys(
        _ mapping: Node.Mapping, _ allowed: [String], _ field: String, _ code: PolicyError.Code
    ) throws(PolicyError) {
        for key in mapping.keys {
            let name = try keyName(key, field)
            guard allowed.contains(name) else {
                let inField = field.isEmpty ? "" : " in \(field)"
                throw PolicyError(
                    code, field.isEmpty ? name : "\(field).\(name)",
                    "unknown field \(Self.quoted(name))\(inField); expected one of "
                        + allowed.joined(separator: ", "))
            }
        }
    }

    static func kind(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            switch tagName(node) {
            case .str: return "a string"
            case .int, .float: return "a number (\(scalar.string))"
            case .bool: return "a boolean (\(scalar.string))"
            case .null: return "nothing (null)"
            default: return "a \(tagName(node).rawValue) value"
            }
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .alias: return "an alias"
        }
    }

    /// The resolved YAML type of a node (`!!str`, `!!int`, ...), from its tag or its text.
    static func tagName(_ node: Node) -> Tag.Name { Tag.Name(rawValue: node.tag.rawValue) }

    /// RFC 9110 `tchar`: what an HTTP field name may contain.
    static func isTokenChar(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(c)
        }
    }

    /// Appends `item` to `list`, refusing one already there: like ngrok, a policy names each
    /// algorithm, claim, key source or allow-list value once. `what` names the item in the message.
    static func appendUnique<Item: Equatable>(
        _ item: Item, to list: inout [Item], _ code: PolicyError.Code, _ field: String, _ what: @autoclosure () -> String
    ) throws(PolicyError) {
        guard !list.contains(item) else { throw PolicyError(code, field, "\(what()) must be unique; list it only once") }
        list.append(item)
    }

    static func quoted(_ s: String) -> String {
        "\"" + s.unicodeScalars.map { $0.properties.generalCategory == .control ? $0.escaped(asASCII: true) : String($0) }.joined() + "\""
    }
}
