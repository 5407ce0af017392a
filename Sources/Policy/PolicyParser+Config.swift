import Foundation
import JOSECrypto
import JWTValidation
import Yams

/// The action's `config`: issuers, audiences and token locations (ngrok's fields).
extension PolicyParser {
    func parseConfig(_ config: Node.Mapping) throws(PolicyError) -> Policy {
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

    func parseIssuers(_ node: Node?) throws(PolicyError) -> [String] {
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

    func parseAudiences(_ node: Node?) throws(PolicyError) -> [String] {
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
    func allowList(
        _ node: Node, field: String, what: String, invalid: PolicyError.Code, duplicate: PolicyError.Code
    ) throws(PolicyError) -> [String] {
        var values: [String] = []
        for (index, entryNode) in try sequence(node, field).enumerated() {
            let entryField = "\(field)[\(index)]"
            guard case .mapping(let entry) = entryNode else {
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
            try Self.appendUnique(value, to: &values, duplicate, entryField + ".value", "the \(what) \(Self.quoted(value))")
        }
        return values
    }

    func parseTokens(_ node: Node?) throws(PolicyError) -> [TokenLocation] {
        // ngrok has no default token location, and neither do we: a policy that says nothing
        // about where the token is would otherwise be read as `Authorization: Bearer`.
        guard let node else {
            throw PolicyError(
                .noToken, "http",
                "the config has no http section: at least one token configuration is required, e.g. "
                    + "http: {tokens: [{type: jwt, method: header, name: Authorization, prefix: \"Bearer \"}]}")
        }
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

    func parseToken(_ node: Node, field: String) throws(PolicyError) -> TokenLocation {
        guard case .mapping(let entry) = node else {
            throw PolicyError(.invalidToken, field, "a token is a mapping {type, method, name, prefix}, found \(Self.kind(node))")
        }
        try checkKeys(entry, ["type", "method", "name", "prefix"], field, .invalidToken)

        let type: TokenType = try member(entry, "type", field, .invalidTokenType, what: "token type")
        let method: TokenMethod = try member(entry, "method", field, .invalidTokenMethod, what: "token method")

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

    /// A required member of a token entry whose value names a case of `T` (`type`, `method`):
    /// absent is `invalidToken`; a value that names no case is `code`, listing the valid ones.
    func member<T: RawRepresentable & CaseIterable>(
        _ entry: Node.Mapping, _ key: String, _ field: String, _ code: PolicyError.Code, what: String
    ) throws(PolicyError) -> T where T.RawValue == String {
        guard let node = entry[key] else {
            throw PolicyError(.invalidToken, field + "." + key, "the token has no \(key)")
        }
        let text = try string(node, field + "." + key, code)
        guard let value = T(rawValue: text) else {
            throw PolicyError(
                code, field + "." + key,
                "the \(Self.quoted(text)) \(what) is invalid; valid values are "
                    + T.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return value
    }
}
