import Foundation
import JOSECrypto
import JWTValidation
import Yams

/// `jws`: allowed algorithms, key identification and key sources (ngrok's and ours).
extension PolicyParser {
    func parseJWS(_ node: Node?, into policy: inout Policy) throws(PolicyError) {
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

    func parseAlgorithms(_ node: Node?) throws(PolicyError) -> [JWSAlgorithm] {
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
                let hint =
                    JWSAlgorithm.allCases.first { $0.rawValue.lowercased() == name.lowercased() }
                    .map { " (algorithm names are case-sensitive: did you mean \($0.rawValue)?)" } ?? ""
                throw PolicyError(
                    .invalidAlgorithm, itemField,
                    "the \(Self.quoted(name)) algorithm is invalid\(hint); valid algorithms are "
                        + JWSAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))
            }
            try Self.appendUnique(algorithm, to: &algorithms, .duplicateAlgorithm, itemField, "the algorithm \(name)")
        }
        guard !algorithms.isEmpty else {
            throw PolicyError(.noAlgorithm, field, "at least one allowed algorithm is required")
        }
        return algorithms
    }

    /// `{token_claims: [kid]}`, or a list of such mappings.
    func parseIdentification(_ node: Node) throws(PolicyError) -> [String] {
        let field = "jws.keys.identification"
        var entries: [(Node.Mapping, String)] = []
        switch node {
        case .mapping(let entry):
            entries = [(entry, field)]
        case .sequence(let list):
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
                try Self.appendUnique(claim, to: &claims, .duplicateKeyIdentification, itemField, "the token claim \(claim)")
            }
        }
        guard !claims.isEmpty else {
            throw PolicyError(
                .noKeyIdentification, field + ".token_claims",
                "the signing key must have a way to be identified, such as the kid token claim")
        }
        return claims
    }

    func parseSources(_ node: Node, into policy: inout Policy) throws(PolicyError) {
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
            try Self.appendUnique(jku, to: &policy.additionalJKUs, .duplicateKeySource, itemField, "the additional jku \(jku)")
        }
        for (index, item) in fileNodes.enumerated() {
            let itemField = "\(field).files[\(index)]"
            let path = try string(item, itemField, .invalidConfiguration)
            guard !path.isEmpty, !path.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else {
                throw PolicyError(.invalidConfiguration, itemField, "a key file path must be non-empty text")
            }
            let resolved = resolve(path)
            try Self.appendUnique(resolved, to: &policy.keyFiles, .duplicateKeySource, itemField, "the key file \(resolved)")
        }
        if let inline = sources["inline"] {
            policy.inlineKeys = try parseInlineKeys(inline, field: field + ".inline")
        }
    }

    func resolve(_ path: String) -> String {
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
    func parseInlineKeys(_ node: Node, field: String) throws(PolicyError) -> [JWK] {
        func invalid(_ why: String) -> PolicyError {
            PolicyError(.invalidKeySet, field, "the inline key source is not a JWK Set or a list of JWKs: \(why)")
        }
        let data: Data
        switch node {
        case .scalar(let scalar) where Self.tagName(node) == .str:
            data = Data(scalar.string.utf8)
        case .mapping, .sequence:
            data = try Self.jsonData(node, field: field)
        default:
            throw invalid("found \(Self.kind(node))")
        }
        return try decodeKeys(data, invalid)
    }

    func decodeKeys(_ data: Data, _ invalid: (String) -> PolicyError) throws(PolicyError) -> [JWK] {
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

    static func describeDecoding(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing \(key.stringValue) at \(path(context.codingPath))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at \(path(context.codingPath))"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "invalid value at \(path(context.codingPath))"
        default:
            return "not JSON"
        }
    }

    static func path(_ codingPath: [CodingKey]) -> String {
        codingPath.isEmpty
            ? "the top level" : codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }

    /// Re-encodes a YAML subtree as JSON so the `Codable` JWK types can read it.
    static func jsonData(_ node: Node, field: String) throws(PolicyError) -> Data {
        let object = try jsonObject(node, field: field)
        do {
            return try JSONSerialization.data(withJSONObject: object, options: [])
        } catch {
            throw PolicyError(.invalidKeySet, field, "the inline key source cannot be written as JSON")
        }
    }

    static func jsonObject(_ node: Node, field: String) throws(PolicyError) -> Any {
        switch node {
        case .scalar(let scalar):
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
        case .sequence(let sequence):
            var array: [Any] = []
            for (index, item) in sequence.enumerated() {
                array.append(try jsonObject(item, field: "\(field)[\(index)]"))
            }
            return array
        case .mapping(let mapping):
            var object: [String: Any] = [:]
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key, tagName(key) == .str else {
                    throw PolicyError(.invalidKeySet, field, "JWK member names must be strings")
                }
                object[keyScalar.string] = try jsonObject(value, field: "\(field).\(keyScalar.string)")
            }
            return object
        case .alias:
            throw PolicyError(.invalidKeySet, field, "unexpected YAML alias")
        }
    }
}
