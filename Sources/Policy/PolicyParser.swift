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
        return try parseConfig(try locateConfig(root))
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

    /// The phases whose rules may hold the `jwt-validation` action (`inbound` is ngrok's
    /// legacy name for `on_http_request`).
    static let requestPhases = ["on_http_request", "inbound"]
    /// The config's own fields: found at a whole policy's top level, they were meant inside
    /// the action's `config`.
    static let configFields = ["issuer", "audience", "http", "jws", "jwtbench"]

    /// Finds the `jwt-validation` config in whichever form the document takes.
    ///
    /// Nothing is ignored: a whole policy or rule may hold exactly one action, of type
    /// `jwt-validation`, in a rule without CEL `expressions`; anything else ngrok would act on
    /// (other actions, phases, expressions) is refused, since jwtbench would not do it.
    func locateConfig(_ root: Node) throws(PolicyError) -> Node.Mapping {
        guard case .mapping(let top) = root else {
            throw PolicyError(
                .invalidConfiguration, "",
                "the policy document must be a mapping, found \(Self.kind(root))")
        }
        let phases = Self.requestPhases.filter { top[$0] != nil }
        if let phase = phases.first, let rules = top[phase] {
            if phases.count > 1 {
                throw PolicyError(
                    .invalidConfiguration, "inbound",
                    "both on_http_request and its legacy name inbound are given; keep on_http_request only")
            }
            try checkPolicyKeys(top)
            let found = try findAction(inRules: try sequence(rules, phase), field: phase)
            guard let found else {
                throw PolicyError(.invalidConfiguration, phase, "no jwt-validation action in \(phase)")
            }
            return found
        }
        if top["actions"] != nil {
            guard let found = try findAction(inRule: top, field: "") else {
                throw PolicyError(.invalidConfiguration, "actions", "no jwt-validation action in actions")
            }
            return found
        }
        if top["type"] != nil {
            try checkKeys(top, ["type", "config"], "", .invalidConfiguration)
            return try jwtValidationConfig(top, field: "")
        }
        if top["issuer"] == nil && top["jws"] == nil && top["http"] == nil && top["audience"] == nil
            && top.keys.contains(where: { $0.string?.hasPrefix("on_") == true })
        {
            throw PolicyError(
                .invalidConfiguration, "",
                "no jwt-validation action: the policy has no on_http_request phase")
        }
        return top
    }

    /// A whole policy's top level: one request phase; config fields and other phases are
    /// named, not ignored.
    func checkPolicyKeys(_ top: Node.Mapping) throws(PolicyError) {
        for key in top.keys {
            let name = try keyName(key, "")
            if Self.requestPhases.contains(name) { continue }
            if Self.configFields.contains(name) {
                throw PolicyError(
                    .invalidConfiguration, name,
                    "\(name) at the top level of a policy is not read: move it into the jwt-validation action's config "
                        + "(on_http_request[].actions[].config.\(name))")
            }
            if name.hasPrefix("on_") || name == "outbound" {
                throw PolicyError(
                    .invalidConfiguration, name,
                    "the \(name) phase is not supported: jwtbench runs only the jwt-validation action of on_http_request; remove it")
            }
            throw PolicyError(
                .invalidConfiguration, name,
                "unknown field \(Self.quoted(name)) at the top level of the policy; expected on_http_request")
        }
    }

    /// The one `jwt-validation` config among `rules` (nil when there is none); a second one,
    /// another action type or a rule's expressions are errors.
    func findAction(inRules rules: Node.Sequence, field: String) throws(PolicyError) -> Node.Mapping? {
        var found: (config: Node.Mapping, field: String)?
        for (index, ruleNode) in rules.enumerated() {
            let ruleField = "\(field)[\(index)]"
            let rule = try mapping(ruleNode, ruleField)
            guard let config = try findAction(inRule: rule, field: ruleField) else { continue }
            if let found {
                throw Self.secondAction(ruleField + ".actions", first: found.field)
            }
            found = (config, ruleField + ".actions")
        }
        return found?.config
    }

    /// A rule `{name, expressions, actions}`: its one `jwt-validation` config, if any.
    func findAction(inRule rule: Node.Mapping, field: String) throws(PolicyError) -> Node.Mapping? {
        let prefix = field.isEmpty ? "" : field + "."
        try checkKeys(rule, ["name", "expressions", "actions"], field, .invalidConfiguration)
        if let name = rule["name"] { _ = try string(name, prefix + "name", .invalidConfiguration) }
        if let expressions = rule["expressions"] {
            let list = try sequence(expressions, prefix + "expressions")
            for (index, item) in list.enumerated() {
                _ = try string(item, "\(prefix)expressions[\(index)]", .invalidConfiguration)
            }
            if !list.isEmpty {
                throw PolicyError(
                    .invalidConfiguration, prefix + "expressions",
                    "CEL expressions are not supported (jwtbench has no CEL engine, so the action would run on every "
                        + "request, not only the matching ones); remove expressions")
            }
        }
        guard let actionsNode = rule["actions"] else { return nil }
        let actionsField = prefix + "actions"
        var found: (config: Node.Mapping, field: String)?
        for (index, actionNode) in try sequence(actionsNode, actionsField).enumerated() {
            let actionField = "\(actionsField)[\(index)]"
            let action = try mapping(actionNode, actionField)
            try checkKeys(action, ["type", "config"], actionField, .invalidConfiguration)
            let config = try jwtValidationConfig(action, field: actionField)
            if let found {
                throw Self.secondAction(actionField, first: found.field)
            }
            found = (config, actionField)
        }
        return found?.config
    }

    static func secondAction(_ field: String, first: String) -> PolicyError {
        PolicyError(
            .invalidConfiguration, field,
            "a second jwt-validation action is not supported (the first is \(first)); keep one")
    }

    /// An action's config; the action must be a `jwt-validation` one.
    func jwtValidationConfig(_ action: Node.Mapping, field: String) throws(PolicyError) -> Node.Mapping {
        let typeField = field.isEmpty ? "type" : field + ".type"
        let type = try string(action["type"], typeField, .invalidConfiguration)
        guard type == "jwt-validation" else {
            throw PolicyError(
                .invalidConfiguration, typeField,
                "the \(Self.quoted(type)) action is not supported: jwtbench runs only jwt-validation; remove it")
        }
        return try actionConfig(action, field: field)
    }

    func actionConfig(_ action: Node.Mapping, field: String) throws(PolicyError) -> Node.Mapping {
        let configField = field.isEmpty ? "config" : field + ".config"
        guard let config = action["config"] else {
            throw PolicyError(.invalidConfiguration, configField, "the jwt-validation action has no config")
        }
        return try mapping(config, configField)
    }
}
