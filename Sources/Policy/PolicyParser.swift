import Foundation
import JOSECrypto
import Yams
import JWTValidation

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

    init(baseDirectory: String?) {
        self.baseDirectory = baseDirectory
    }

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

    private func compose(_ text: String) throws(PolicyError) -> Node {
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
    private static func describe(_ error: YamlError) -> String {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            let ctx = context.map { "\($0.text) " } ?? ""
            return "line \(mark.line), column \(mark.column): \(ctx)\(problem)"
        case let .reader(problem, offset, _, _):
            return "\(problem)" + (offset.map { " at byte \($0)" } ?? "")
        case let .duplicatedKeysInMapping(duplicates, context):
            return "duplicate key \(duplicates.sorted().joined(separator: ", ")) in the mapping at line \(context.mark.line)"
        default:
            return String(describing: error)
        }
    }

    private static func checkSize(_ node: Node, _ budget: inout Int) throws(PolicyError) {
        budget -= 1
        guard budget >= 0 else {
            throw PolicyError(
                .invalidConfiguration, "",
                "the policy document expands to more than \(nodeBudget) nodes (YAML aliases?)")
        }
        switch node {
        case .scalar, .alias: return
        case let .sequence(sequence):
            for child in sequence { try checkSize(child, &budget) }
        case let .mapping(mapping):
            for (key, value) in mapping {
                try checkSize(key, &budget)
                try checkSize(value, &budget)
            }
        }
    }

    /// Finds the `jwt-validation` config in whichever form the document takes, with the
    /// CEL expressions of its rule.
    private func locateConfig(_ root: Node) throws(PolicyError) -> (Node.Mapping, [String]) {
        guard case let .mapping(top) = root else {
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

    private func findAction(inRules rules: Node.Sequence, field: String) throws(PolicyError) -> (Node.Mapping, [String])? {
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

    private func findAction(inActions actions: Node.Sequence, field: String) throws(PolicyError) -> Node.Mapping? {
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

    private func actionConfig(_ action: Node.Mapping, field: String) throws(PolicyError) -> Node.Mapping {
        let configField = field.isEmpty ? "config" : field + ".config"
        guard let config = action["config"] else {
            throw PolicyError(.invalidConfiguration, configField, "the jwt-validation action has no config")
        }
        return try mapping(config, configField)
    }

    private func expressions(in rule: Node.Mapping, field: String) throws(PolicyError) -> [String] {
        guard let node = rule["expressions"] else { return [] }
        let exprField = field.isEmpty ? "expressions" : field + ".expressions"
        var result: [String] = []
        for (index, item) in try sequence(node, exprField).enumerated() {
            result.append(try string(item, "\(exprField)[\(index)]", .invalidConfiguration))
        }
        return result
    }

    // MARK: - Config

    private func parseConfig(_ config: Node.Mapping) throws(PolicyError) -> Policy {
        try checkKeys(config, ["issuer", "audience", "http", "jws", "jwtbench"], "", .invalidConfiguration)
        var policy = Policy(issuers: [], allowedAlgorithms: [])
        policy.issuers = try parseIssuers(config["issuer"])
        policy.audiences = try parseAudiences(config["audience"])
        policy.tokens = try parseTokens(config["http"])
        try parseJWS(config["jws"], into: &policy)
        if let ext = config["jwtbench"] {
            try parseExtensions(ext, into: &policy)
        }
        return policy
    }

    private func parseIssuers(_ node: Node?) throws(PolicyError) -> [String] {
        guard let node else {
            throw PolicyError(.noIssuer, "issuer", "at least one issuer is required (issuer.allow_list)")
        }
        let issuer = try mapping(node, "issuer")
        try checkKeys(issuer, ["allow_list"], "issuer", .invalidConfiguration)
        guard let listNode = issuer["allow_list"] else {
            throw PolicyError(.noIssuer, "issuer.allow_list", "at least one issuer is required")
        }
        let values = try allowList(
            listNode, field: "issuer.allow_list", what: "issuer", invalid: .invalidIssuer,
            duplicate: .duplicateIssuer)
        guard !values.isEmpty else {
            throw PolicyError(.noIssuer, "issuer.allow_list", "at least one issuer is required")
        }
        return values
    }

    private func parseAudiences(_ node: Node?) throws(PolicyError) -> [String] {
        guard let node else { return [] }
        let audience = try mapping(node, "audience")
        try checkKeys(audience, ["allow_list"], "audience", .invalidConfiguration)
        // An `audience` object that lists nothing would silently disable the audience check;
        // ngrok refuses it too.
        guard let listNode = audience["allow_list"] else {
            throw PolicyError(
                .noAudience, "audience.allow_list",
                "at least one audience is required when audience is given (remove audience to skip the check)")
        }
        let values = try allowList(
            listNode, field: "audience.allow_list", what: "audience", invalid: .invalidAudience,
            duplicate: .duplicateAudience)
        guard !values.isEmpty else {
            throw PolicyError(
                .noAudience, "audience.allow_list",
                "at least one audience is required when audience is given (remove audience to skip the check)")
        }
        return values
    }

    /// `[{value: ...}, ...]`: exact strings, no normalisation, each once.
    private func allowList(
        _ node: Node, field: String, what: String, invalid: PolicyError.Code, duplicate: PolicyError.Code
    ) throws(PolicyError) -> [String] {
        var values: [String] = []
        var seen: Set<String> = []
        for (index, entryNode) in try sequence(node, field).enumerated() {
            let entryField = "\(field)[\(index)]"
            guard case let .mapping(entry) = entryNode else {
                throw PolicyError(
                    invalid, entryField,
                    "each \(what) is a mapping {value: ...}, found \(Self.kind(entryNode))")
            }
            try checkKeys(entry, ["value"], entryField, invalid)
            guard let valueNode = entry["value"] else {
                throw PolicyError(invalid, entryField + ".value", "the \(what) has no value")
            }
            let value = try string(valueNode, entryField + ".value", invalid)
            if value.isEmpty {
                throw PolicyError(invalid, entryField + ".value", "the \(what) is empty")
            }
            // Matching is exact, so a stray space or newline would make the entry match
            // nothing; refusing it points at the typo instead.
            if value.trimmingCharacters(in: .whitespacesAndNewlines) != value
                || value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            {
                throw PolicyError(
                    invalid, entryField + ".value",
                    "the \(what) \(Self.quoted(value)) has surrounding whitespace or control characters")
            }
            guard seen.insert(value).inserted else {
                throw PolicyError(
                    duplicate, entryField + ".value",
                    "the \(what) \(Self.quoted(value)) must be unique; list it only once")
            }
            values.append(value)
        }
        return values
    }

    private func parseTokens(_ node: Node?) throws(PolicyError) -> [TokenLocation] {
        guard let node else { return [.authorizationBearer] }
        let http = try mapping(node, "http")
        try checkKeys(http, ["tokens"], "http", .invalidConfiguration)
        guard let tokensNode = http["tokens"] else {
            throw PolicyError(.noToken, "http.tokens", "at least one token configuration is required")
        }
        let entries = try sequence(tokensNode, "http.tokens")
        guard !entries.isEmpty else {
            throw PolicyError(.noToken, "http.tokens", "at least one token configuration is required")
        }
        var tokens: [TokenLocation] = []
        var seen: Set<String> = []
        for (index, entryNode) in entries.enumerated() {
            let field = "http.tokens[\(index)]"
            let token = try parseToken(entryNode, field: field)
            // Header names are case-insensitive, so Authorization and authorization are the
            // same header; body member names are exact.
            let key = token.method.rawValue + ":" + (token.method == .header ? token.name.lowercased() : token.name)
            guard seen.insert(key).inserted else {
                throw PolicyError(
                    .duplicateToken, field,
                    "the token identified by method \(token.method.rawValue) and name \(token.name) must be unique; list it only once")
            }
            tokens.append(token)
        }
        return tokens
    }

    private func parseToken(_ node: Node, field: String) throws(PolicyError) -> TokenLocation {
        guard case let .mapping(entry) = node else {
            throw PolicyError(.invalidToken, field, "a token is a mapping {type, method, name, prefix}, found \(Self.kind(node))")
        }
        try checkKeys(entry, ["type", "method", "name", "prefix"], field, .invalidToken)

        guard let typeNode = entry["type"] else {
            throw PolicyError(.invalidToken, field + ".type", "the token has no type")
        }
        let typeName = try string(typeNode, field + ".type", .invalidTokenType)
        guard let type = TokenType(rawValue: typeName) else {
            throw PolicyError(
                .invalidTokenType, field + ".type",
                "the \(Self.quoted(typeName)) token type is invalid; valid values are "
                    + TokenType.allCases.map(\.rawValue).joined(separator: ", "))
        }

        guard let methodNode = entry["method"] else {
            throw PolicyError(.invalidToken, field + ".method", "the token has no method")
        }
        let methodName = try string(methodNode, field + ".method", .invalidTokenMethod)
        guard let method = TokenMethod(rawValue: methodName) else {
            throw PolicyError(
                .invalidTokenMethod, field + ".method",
                "the \(Self.quoted(methodName)) token method is invalid; valid values are header and body")
        }

        guard let nameNode = entry["name"] else {
            throw PolicyError(.invalidTokenName, field + ".name", "the token has no name")
        }
        let name = try string(nameNode, field + ".name", .invalidTokenName)
        guard !name.isEmpty else {
            throw PolicyError(.invalidTokenName, field + ".name", "the token name is empty")
        }
        switch method {
        case .header:
            guard name.utf8.allSatisfy(Self.isTokenChar) else {
                throw PolicyError(
                    .invalidTokenName, field + ".name",
                    "the token name \(Self.quoted(name)) is not an HTTP header name (RFC 9110 token characters only)")
            }
        case .body:
            guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw PolicyError(
                    .invalidTokenName, field + ".name",
                    "the token name \(Self.quoted(name)) contains control characters")
            }
        }

        var prefix = ""
        if let prefixNode = entry["prefix"] {
            prefix = try string(prefixNode, field + ".prefix", .invalidTokenPrefix)
            // Header values are visible ASCII and spaces (RFC 9110 section 5.5); a prefix
            // with anything else could never match.
            guard prefix.utf8.count <= Self.maxPrefixLength,
                prefix.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F })
            else {
                throw PolicyError(
                    .invalidTokenPrefix, field + ".prefix",
                    "the token prefix \(Self.quoted(prefix)) is invalid: use at most \(Self.maxPrefixLength) printable ASCII characters")
            }
        }
        return TokenLocation(type: type, method: method, name: name, prefix: prefix)
    }

    private func parseJWS(_ node: Node?, into policy: inout Policy) throws(PolicyError) {
        guard let node else {
            throw PolicyError(.noAlgorithm, "jws.allowed_algorithms", "at least one allowed algorithm is required")
        }
        let jws = try mapping(node, "jws")
        try checkKeys(jws, ["allowed_algorithms", "keys"], "jws", .invalidConfiguration)
        policy.allowedAlgorithms = try parseAlgorithms(jws["allowed_algorithms"])
        guard let keysNode = jws["keys"] else { return }
        let keys = try mapping(keysNode, "jws.keys")
        try checkKeys(keys, ["identification", "sources"], "jws.keys", .invalidConfiguration)
        if let identification = keys["identification"] {
            policy.keyIdentificationClaims = try parseIdentification(identification)
        }
        if let sources = keys["sources"] {
            try parseSources(sources, into: &policy)
        }
    }

    private func parseAlgorithms(_ node: Node?) throws(PolicyError) -> [JWSAlgorithm] {
        let field = "jws.allowed_algorithms"
        guard let node else {
            throw PolicyError(.noAlgorithm, field, "at least one allowed algorithm is required")
        }
        var algorithms: [JWSAlgorithm] = []
        for (index, item) in try sequence(node, field).enumerated() {
            let itemField = "\(field)[\(index)]"
            let name = try string(item, itemField, .invalidAlgorithm)
            // `none` is refused in any spelling: an unsigned token is never acceptable, and
            // some libraries compared it case-insensitively (CVE-2015-9235 and kin).
            if name.lowercased() == "none" {
                throw PolicyError(
                    .invalidAlgorithm, itemField,
                    "the \(Self.quoted(name)) algorithm is never allowed: unsigned tokens cannot be validated")
            }
            guard let algorithm = JWSAlgorithm(rawValue: name) else {
                let hint = JWSAlgorithm.allCases.first { $0.rawValue.lowercased() == name.lowercased() }
                    .map { " (algorithm names are case-sensitive: did you mean \($0.rawValue)?)" } ?? ""
                throw PolicyError(
                    .invalidAlgorithm, itemField,
                    "the \(Self.quoted(name)) algorithm is invalid\(hint); valid algorithms are "
                        + JWSAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard !algorithms.contains(algorithm) else {
                throw PolicyError(
                    .duplicateAlgorithm, itemField,
                    "the algorithm \(name) must be unique; list it only once")
            }
            algorithms.append(algorithm)
        }
        guard !algorithms.isEmpty else {
            throw PolicyError(.noAlgorithm, field, "at least one allowed algorithm is required")
        }
        return algorithms
    }

    /// `{token_claims: [kid]}`, or a list of such mappings.
    private func parseIdentification(_ node: Node) throws(PolicyError) -> [String] {
        let field = "jws.keys.identification"
        var entries: [(Node.Mapping, String)] = []
        switch node {
        case let .mapping(entry):
            entries = [(entry, field)]
        case let .sequence(list):
            for (index, item) in list.enumerated() {
                entries.append((try mapping(item, "\(field)[\(index)]"), "\(field)[\(index)]"))
            }
        default:
            throw PolicyError(
                .invalidConfiguration, field,
                "must be a mapping {token_claims: [kid]}, found \(Self.kind(node))")
        }
        var claims: [String] = []
        for (entry, entryField) in entries {
            try checkKeys(entry, ["token_claims"], entryField, .invalidConfiguration)
            guard let claimsNode = entry["token_claims"] else { continue }
            for (index, item) in try sequence(claimsNode, entryField + ".token_claims").enumerated() {
                let itemField = "\(entryField).token_claims[\(index)]"
                let claim = try string(item, itemField, .invalidKeyIdentification)
                // Keys are only ever chosen by `kid`: other header members (`jku`, `x5u`,
                // `jwk`) would let the token choose its own key.
                guard claim == "kid" else {
                    throw PolicyError(
                        .invalidKeyIdentification, itemField,
                        "the token claim \(Self.quoted(claim)) cannot identify a signing key; use kid")
                }
                guard !claims.contains(claim) else {
                    throw PolicyError(
                        .duplicateKeyIdentification, itemField,
                        "the token claim \(claim) must be unique; list it only once")
                }
                claims.append(claim)
            }
        }
        guard !claims.isEmpty else {
            throw PolicyError(
                .noKeyIdentification, field + ".token_claims",
                "the signing key must have a way to be identified, such as the kid token claim")
        }
        return claims
    }

    private func parseSources(_ node: Node, into policy: inout Policy) throws(PolicyError) {
        let field = "jws.keys.sources"
        let sources = try mapping(node, field)
        try checkKeys(sources, ["additional_jkus", "inline", "files"], field, .invalidConfiguration)
        var jkuNodes: [Node] = []
        if let node = sources["additional_jkus"] { jkuNodes = Array(try sequence(node, field + ".additional_jkus")) }
        var fileNodes: [Node] = []
        if let node = sources["files"] { fileNodes = Array(try sequence(node, field + ".files")) }
        let count = jkuNodes.count + fileNodes.count
        guard count <= Self.maxKeySources else {
            throw PolicyError(
                .tooManyKeySources, field,
                "too many key sources (\(count)): supply at most \(Self.maxKeySources) additional_jkus and files")
        }
        for (index, item) in jkuNodes.enumerated() {
            let itemField = "\(field).additional_jkus[\(index)]"
            let jku = try string(item, itemField, .invalidJKU)
            try Self.checkJKU(jku, field: itemField)
            guard !policy.additionalJKUs.contains(jku) else {
                throw PolicyError(
                    .duplicateKeySource, itemField,
                    "the additional jku \(jku) must be unique; list it only once")
            }
            policy.additionalJKUs.append(jku)
        }
        for (index, item) in fileNodes.enumerated() {
            let itemField = "\(field).files[\(index)]"
            let path = try string(item, itemField, .invalidConfiguration)
            guard !path.isEmpty, !path.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else {
                throw PolicyError(.invalidConfiguration, itemField, "a key file path must be non-empty text")
            }
            let resolved = resolve(path)
            guard !policy.keyFiles.contains(resolved) else {
                throw PolicyError(
                    .duplicateKeySource, itemField,
                    "the key file \(resolved) must be unique; list it only once")
            }
            policy.keyFiles.append(resolved)
        }
        if let inline = sources["inline"] {
            policy.inlineKeys = try parseInlineKeys(inline, field: field + ".inline")
        }
    }

    private func resolve(_ path: String) -> String {
        guard let baseDirectory, !path.hasPrefix("/") else { return path }
        let base = URL(fileURLWithPath: baseDirectory, isDirectory: true)
        return URL(fileURLWithPath: path, relativeTo: base).standardizedFileURL.path
    }

    /// ngrok requires a valid URL; we also require TLS, since keys fetched in clear text could
    /// be swapped by anyone on the path. Plain `http` is allowed only to a loopback host, for
    /// the embedded test issuer.
    static func checkJKU(_ jku: String, field: String) throws(PolicyError) {
        func invalid(_ why: String) -> PolicyError {
            PolicyError(.invalidJKU, field, "the additional jku \(quoted(jku)) is not a valid URL: \(why)")
        }
        guard !jku.isEmpty, jku.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw invalid("it is empty or contains spaces, control or non-ASCII characters")
        }
        guard let components = URLComponents(string: jku), let scheme = components.scheme?.lowercased() else {
            throw invalid("it is not an absolute URL")
        }
        guard let host = components.host, !host.isEmpty else {
            throw invalid("it has no host")
        }
        guard components.user == nil, components.password == nil else {
            throw invalid("credentials in the URL are not allowed")
        }
        switch scheme {
        case "https":
            return
        case "http":
            guard isLoopback(host) else {
                throw invalid("use https (plain http is allowed only to localhost, 127.0.0.0/8 or ::1)")
            }
        default:
            throw invalid("the scheme must be https")
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        if h == "localhost" || h == "::1" || h == "[::1]" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// A JWK Set (`{keys: [...]}`), a list of JWKs, or either as a JSON string.
    private func parseInlineKeys(_ node: Node, field: String) throws(PolicyError) -> [JWK] {
        func invalid(_ why: String) -> PolicyError {
            PolicyError(.invalidKeySet, field, "the inline key source is not a JWK Set or a list of JWKs: \(why)")
        }
        let data: Data
        switch node {
        case let .scalar(scalar) where Self.tagName(node) == .str:
            data = Data(scalar.string.utf8)
        case .mapping, .sequence:
            data = try Self.jsonData(node, field: field)
        default:
            throw invalid("found \(Self.kind(node))")
        }
        return try decodeKeys(data, invalid)
    }

    private func decodeKeys(_ data: Data, _ invalid: (String) -> PolicyError) throws(PolicyError) -> [JWK] {
        let keys: [JWK]
        do {
            let json = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            if json is [Any] {
                keys = try JSONDecoder().decode([JWK].self, from: data)
            } else if json is [String: Any] {
                keys = try JSONDecoder().decode(JWKSet.self, from: data).keys
            } else {
                throw invalid("found a JSON scalar")
            }
        } catch let error as PolicyError {
            throw error
        } catch {
            throw invalid(Self.describeDecoding(error))
        }
        guard !keys.isEmpty else { throw invalid("it holds no keys") }
        return keys
    }

    private static func describeDecoding(_ error: Error) -> String {
        switch error {
        case let DecodingError.keyNotFound(key, context):
            return "missing \(key.stringValue) at \(path(context.codingPath))"
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            return "wrong type at \(path(context.codingPath))"
        case let DecodingError.dataCorrupted(context):
            return context.codingPath.isEmpty ? "not JSON" : "invalid value at \(path(context.codingPath))"
        default:
            return "not JSON"
        }
    }

    private static func path(_ codingPath: [CodingKey]) -> String {
        codingPath.isEmpty
            ? "the top level" : codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }

    /// Re-encodes a YAML subtree as JSON so the `Codable` JWK types can read it.
    private static func jsonData(_ node: Node, field: String) throws(PolicyError) -> Data {
        let object = try jsonObject(node, field: field)
        do {
            return try JSONSerialization.data(withJSONObject: object, options: [])
        } catch {
            throw PolicyError(.invalidKeySet, field, "the inline key source cannot be written as JSON")
        }
    }

    private static func jsonObject(_ node: Node, field: String) throws(PolicyError) -> Any {
        switch node {
        case let .scalar(scalar):
            switch tagName(node) {
            case .str: return scalar.string
            case .int:
                guard let value = node.int else { break }
                return value
            case .float:
                guard let value = node.float, value.isFinite else { break }
                return value
            case .bool:
                guard let value = node.bool else { break }
                return value
            case .null: return NSNull()
            default: return scalar.string
            }
            throw PolicyError(.invalidKeySet, field, "the value \(quoted(scalar.string)) is out of range")
        case let .sequence(sequence):
            var array: [Any] = []
            for (index, item) in sequence.enumerated() {
                array.append(try jsonObject(item, field: "\(field)[\(index)]"))
            }
            return array
        case let .mapping(mapping):
            var object: [String: Any] = [:]
            for (key, value) in mapping {
                guard case let .scalar(keyScalar) = key, tagName(key) == .str else {
                    throw PolicyError(.invalidKeySet, field, "JWK member names must be strings")
                }
                object[keyScalar.string] = try jsonObject(value, field: "\(field).\(keyScalar.string)")
            }
            return object
        case .alias:
            throw PolicyError(.invalidKeySet, field, "unexpected YAML alias")
        }
    }

    private func parseExtensions(_ node: Node, into policy: inout Policy) throws(PolicyError) {
        let field = "jwtbench"
        let ext = try mapping(node, field)
        try checkKeys(
            ext, ["leeway", "require_expiration", "max_lifetime", "max_token_bytes", "key_cache", "crypto_backend"], field,
            .invalidConfiguration)
        if let leeway = ext["leeway"] {
            policy.leewaySeconds = try integer(leeway, field + ".leeway", in: 0...Self.maxLeewaySeconds, unit: "seconds")
        }
        if let require = ext["require_expiration"] {
            policy.requireExpiration = try boolean(require, field + ".require_expiration")
        }
        if let lifetime = ext["max_lifetime"] {
            policy.maxLifetimeSeconds = try integer(
                lifetime, field + ".max_lifetime", in: 1...Self.maxLifetimeLimit, unit: "seconds")
        }
        if let bytes = ext["max_token_bytes"] {
            policy.maxTokenBytes = Int(
                try integer(bytes, field + ".max_token_bytes", in: 1...Int64(Self.maxTokenBytesLimit), unit: "bytes"))
        }
        if let cache = ext["key_cache"] {
            policy.keyCache = try parseKeyCache(cache, field: field + ".key_cache")
        }
        if let backend = ext["crypto_backend"] {
            let name = try string(backend, field + ".crypto_backend", .invalidConfiguration)
            guard CryptoBackends.names.contains(name) else {
                throw PolicyError(
                    .invalidConfiguration, field + ".crypto_backend",
                    "unknown crypto backend \"\(name)\"; use \(CryptoBackends.names.joined(separator: ", "))")
            }
            policy.cryptoBackend = name
        }
    }

    private func parseKeyCache(_ node: Node, field: String) throws(PolicyError) -> KeyCacheSettings {
        let cache = try mapping(node, field)
        var strategy: String?
        var options: [String: String] = [:]
        for (keyNode, valueNode) in cache {
            let key = try keyName(keyNode, field)
            guard case let .scalar(scalar) = valueNode, Self.tagName(valueNode) != .null else {
                throw PolicyError(
                    .invalidConfiguration, "\(field).\(key)",
                    "key-cache settings are scalars, found \(Self.kind(valueNode))")
            }
            if key == "strategy" {
                strategy = try string(valueNode, field + ".strategy", .invalidConfiguration)
            } else {
                options[key] = scalar.string
            }
        }
        guard let strategy, !strategy.isEmpty else {
            throw PolicyError(.invalidConfiguration, field + ".strategy", "the key cache needs a strategy")
        }
        return KeyCacheSettings(strategy: strategy, options: options)
    }

    // MARK: - Typed node access

    private func mapping(_ node: Node, _ field: String) throws(PolicyError) -> Node.Mapping {
        guard case let .mapping(mapping) = node else {
            throw PolicyError(.invalidConfiguration, field, "must be a mapping, found \(Self.kind(node))")
        }
        return mapping
    }

    private func sequence(_ node: Node, _ field: String) throws(PolicyError) -> Node.Sequence {
        guard case let .sequence(sequence) = node else {
            throw PolicyError(.invalidConfiguration, field, "must be a list, found \(Self.kind(node))")
        }
        return sequence
    }

    /// A string scalar: plain, quoted or `!!str`. Numbers, booleans and null are refused
    /// rather than converted, so `value: no` cannot quietly become the issuer "false".
    private func string(_ node: Node?, _ field: String, _ code: PolicyError.Code) throws(PolicyError) -> String {
        guard let node else {
            throw PolicyError(code, field, "is required")
        }
        guard case let .scalar(scalar) = node, Self.tagName(node) == .str else {
            throw PolicyError(code, field, "must be a string, found \(Self.kind(node)) (quote it)")
        }
        return scalar.string
    }

    private func integer(_ node: Node, _ field: String, in range: ClosedRange<Int64>, unit: String) throws(PolicyError) -> Int64 {
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

    private func boolean(_ node: Node, _ field: String) throws(PolicyError) -> Bool {
        guard case .scalar = node, Self.tagName(node) == .bool, let value = node.bool else {
            throw PolicyError(.invalidConfiguration, field, "must be true or false, found \(Self.kind(node))")
        }
        return value
    }

    private func keyName(_ node: Node, _ field: String) throws(PolicyError) -> String {
        if Self.tagName(node) == .merge {
            // `<<` would splice another mapping in, past our unknown-field check.
            throw PolicyError(.invalidConfiguration, field, "YAML merge keys (<<) are not supported; write the fields out")
        }
        guard case let .scalar(scalar) = node, Self.tagName(node) == .str else {
            throw PolicyError(.invalidConfiguration, field, "member names must be strings, found \(Self.kind(node))")
        }
        return scalar.string
    }

    /// Refuses unknown members: a misspelt field must be an error, never silently ignored.
    private func checkKeys(
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

    private static func kind(_ node: Node) -> String {
        switch node {
        case let .scalar(scalar):
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
    private static func tagName(_ node: Node) -> Tag.Name { Tag.Name(rawValue: node.tag.rawValue) }

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

    static func quoted(_ s: String) -> String {
        "\"" + s.unicodeScalars.map { $0.properties.generalCategory == .control ? $0.escaped(asASCII: true) : String($0) }.joined() + "\""
    }
}
