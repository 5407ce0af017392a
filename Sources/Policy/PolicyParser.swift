import Foundation
import JOSECrypto
import JWTValidation
import Yams

/// Turns a policy document into a `Policy`, checking every field (see `Policy` for the
/// accepted forms and `PolicyError.Code` for the errors).
///
/// Works on Yams' node tree rather than decoding into `Codable` structs: the tree keeps each
/// scalar's resolved YAML type, so `value: 12345` or `value: no` (a number, a boolean) can be
/// refused instead of silently becoming a string, and unknown keys can be named in the error.
struct PolicyParser {
    let baseDirectory: String?

    /// The most JKUs plus key files ngrok accepts (ERR_NGROK_7193).
    static let maxKeySources = 100
    static let maxLeewaySeconds: Int64 = 86_400
    static let maxLifetimeLimit: Int64 = 315_360_000
    static let maxTokenBytesLimit = 1024 * 1024
    static let maxPrefixLength = 256
    /// Tree nodes visited before giving up: a real policy has a few hundred; YAML aliases can
    /// make a small document expand exponentially ("billion laughs").
    static let nodeBudget = 100_000

    func parse(_ text: String) throws(PolicyError) -> Policy {
        let root = try compose(text)
        var budget = Self.nodeBudget
        try Self.checkSize(root, &budget)
        let (config, expressions) = try locateConfig(root)
        var policy = try parseConfig(config)
        policy.ruleExpressions = expressions
        return policy
    }

    // MARK: - Document and action

    func compose(_ text: String) throws(PolicyError) -> Node {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw PolicyError(.invalidConfiguration, "", "not a YAML or JSON document: \(Self.describe(error))")
        } catch {
            throw PolicyError(.invalidConfiguration, "", "not a YAML or JSON document: \(error)")
        }
        guard let node else {
            throw PolicyError(.invalidConfiguration, "", "the policy document is empty")
        }
        return node
    }

    /// A YAML error without the document snippet Yams appends: the document may hold secrets
    /// (inline HMAC keys) and the line and column are enough to find the problem.
    static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let ctx = context.map { "\($0.text) " } ?? ""
            return "line \(mark.line), column \(mark.column): \(ctx)\(problem)"
        case .reader(let problem, let offset, _, _):
            return "\(problem)" + (offset.map { " at byte \($0)" } ?? "")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return "duplicate key \(duplicates.sorted().joined(separator: ", ")) in the mapping at line \(context.mark.line)"
        default:
            return String(describing: error)
        }
    }

    static func checkSize(_ node: Node, _ budget: inout Int) throws(PolicyError) {
        budget -= 1
        guard budget >= 0 else {
            throw PolicyError(
                .invalidConfiguration, "",
                "the policy document expands to more than \(nodeBudget) nodes (YAML aliases?)")
        }
        switch node {
        case .scalar, .alias: return
        case .sequence(let sequence):
            for child in sequence { try checkSize(child, &budget) }
        case .mapping(let mapping):
            for (key, value) in mapping {
                try checkSize(key, &budget)
                try checkSize(value, &budget)
            }
        }
    }

    /// Finds the `jwt-validation` config in whichever form the document takes, with the
    /// CEL expressions of its rule.
    func locateConfig(_ root: Node) throws(PolicyError) -> (Node.Mapping, [String]) {
        guard case .mapping(let top) = root else {
            throw PolicyError(
                .invalidConfiguration, "",
                "the policy document must be a mapping, found \(Self.kind(root))")
        }
        for phase in ["on_http_request", "inbound"] {
            guard let rules = top[phase] else { continue }
            let found = try findAction(inRules: try sequence(rules, phase), field: phase)
            guard let found else {
                throw PolicyError(.invalidConfiguration, phase, "no jwt-validation action in \(phase)")
            }
            return found
        }
        if let actions = top["actions"] {
            let found = try findAction(inActions: try sequence(actions, "actions"), field: "actions")
            guard let found else {
                throw PolicyError(.invalidConfiguration, "actions", "no jwt-validation action in actions")
            }
            return (found, try expressions(in: top, field: ""))
        }
        if top["type"] != nil {
            let type = try string(top["type"], "type", .invalidConfiguration)
            guard type == "jwt-validation" else {
                throw PolicyError(.invalidConfiguration, "type", "action type \(type) is not jwt-validation")
            }
            try checkKeys(top, ["type", "config"], "", .invalidConfiguration)
            return (try actionConfig(top, field: ""), [])
        }
        if top["issuer"] == nil && top["jws"] == nil && top["http"] == nil && top["audience"] == nil
            && top.keys.contains(where: { $0.string?.hasPrefix("on_") == true })
        {
            throw PolicyError(
                .invalidConfiguration, "",
                "no jwt-validation action: the policy has no on_http_request phase")
        }
        return (top, [])
    }

    func findAction(inRules rules: Node.Sequence, field: String) throws(PolicyError) -> (Node.Mapping, [String])? {
        for (index, ruleNode) in rules.enumerated() {
            let ruleField = "\(field)[\(index)]"
            let rule = try mapping(ruleNode, ruleField)
            guard let actionsNode = rule["actions"] else { continue }
            let actions = try sequence(actionsNode, ruleField + ".actions")
            if let config = try findAction(inActions: actions, field: ruleField + ".actions") {
                return (config, try expressions(in: rule, field: ruleField))
            }
        }
        return nil
    }

    func findAction(inActions actions: Node.Sequence, field: String) throws(PolicyError) -> Node.Mapping? {
        for (index, actionNode) in actions.enumerated() {
            let actionField = "\(field)[\(index)]"
            let action = try mapping(actionNode, actionField)
            guard try string(action["type"], actionField + ".type", .invalidConfiguration) == "jwt-validation" else {
                continue
            }
            return try actionConfig(action, field: actionField)
        }
        return nil
    }

    func actionConfig(_ action: Node.Mapping, field: String) throws(PolicyError) -> Node.Mapping {
        let configField = field.isEmpty ? "config" : field + ".config"
        guard let config = action["config"] else {
            throw PolicyError(.invalidConfiguration, configField, "the jwt-validation action has no config")
        }
        return try mapping(config, configField)
    }

    func expressions(in rule: Node.Mapping, field: String) throws(PolicyError) -> [String] {
        guard let node = rule["expressions"] else { return [] }
        let exprField = field.isEmpty ? "expressions" : field + ".expressions"
        var result: [String] = []
        for (index, item) in try sequence(node, exprField).enumerated() {
            result.append(try string(item, "\(exprField)[\(index)]", .invalidConfiguration))
        }
        return result
    }
}
