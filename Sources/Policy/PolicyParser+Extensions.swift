import Foundation
import JOSECrypto
import JWTValidation
import Measurement
import Yams

/// The `jwtbench:` extension block and its key-cache settings.
extension PolicyParser {
    /// Errors here share ngrok's catch-all code (`ERR_NGROK_7171`), so their message says
    /// which jwtbench extension field is at fault (ngrok has no such field to point at).
    func parseExtensions(_ node: Node, into policy: inout Policy) throws(PolicyError) {
        do {
            try parseExtensionFields(node, into: &policy)
        } catch {
            throw PolicyError(
                code: error.code, field: error.field,
                message: "jwtbench extension \(error.field) (not an ngrok field): \(error.message)")
        }
    }

    func parseExtensionFields(_ node: Node, into policy: inout Policy) throws(PolicyError) {
        let field = "jwtbench"
        let ext = try mapping(node, field)
        try checkKeys(
            ext,
            [
                "leeway", "require_expiration", "max_lifetime", "max_token_bytes", "key_cache", "crypto_backend", "claim_to_headers",
                "revocation", "jwe",
            ],
            field,
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
        if let headers = ext["claim_to_headers"] {
            policy.claimHeaders = try parseClaimHeaders(headers, field: field + ".claim_to_headers")
        }
        if let revocation = ext["revocation"] {
            policy.revocation = try parseRevocation(revocation, field: field + ".revocation")
        }
        // After crypto_backend: the decryption keys are prepared with the policy's backend.
        if let jwe = ext["jwe"] {
            policy.jwe = try parseJWE(jwe, field: field + ".jwe", backend: policy.cryptoBackend)
        }
    }

    /// `{file: PATH, reload_interval: 5s}`: the path relative to the policy file (as key
    /// files), the interval in the project's duration syntax, above zero.
    func parseRevocation(_ node: Node, field: String) throws(PolicyError) -> RevocationSettings {
        let block = try mapping(node, field)
        try checkKeys(block, ["file", "reload_interval"], field, .invalidConfiguration)
        let path = try string(block["file"], field + ".file", .invalidConfiguration)
        guard !path.isEmpty, !path.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw PolicyError(.invalidConfiguration, field + ".file", "a denylist file path must be non-empty text")
        }
        var settings = RevocationSettings(file: resolve(path))
        if let interval = block["reload_interval"] {
            // A scalar, as the key-cache knobs: `5` (seconds) or `5s`.
            guard case .scalar(let scalar) = interval, Self.tagName(interval) != .null else {
                throw PolicyError(
                    .invalidConfiguration, field + ".reload_interval", "must be a duration such as 5s, found \(Self.kind(interval))")
            }
            let text = scalar.string
            guard let duration = DurationParser.duration(text), duration > .zero else {
                throw PolicyError(
                    .invalidConfiguration, field + ".reload_interval", "\"\(text)\" is not a duration above zero (e.g. 5s, 500ms, 1m)")
            }
            settings.reloadInterval = duration
        }
        return settings
    }

    /// `[{claim: sub, header: X-User}, ...]`: each header a valid field name, not one the
    /// proxy owns (hop-by-hop, framing, `Host`, `X-Forwarded-*`), and named once.
    func parseClaimHeaders(_ node: Node, field: String) throws(PolicyError) -> [ClaimHeader] {
        var result: [ClaimHeader] = []
        var seen = Set<String>()
        for (index, item) in try sequence(node, field).enumerated() {
            let at = "\(field)[\(index)]"
            let entry = try mapping(item, at)
            try checkKeys(entry, ["claim", "header"], at, .invalidConfiguration)
            let claim = try string(entry["claim"], at + ".claim", .invalidConfiguration)
            let header = try string(entry["header"], at + ".header", .invalidConfiguration)
            guard !claim.isEmpty, !claim.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) else {
                throw PolicyError(.invalidConfiguration, at + ".claim", "a claim name, or names joined by '.' for nested members")
            }
            guard !header.isEmpty, header.utf8.allSatisfy(Self.isFieldNameByte) else {
                throw PolicyError(.invalidConfiguration, at + ".header", "\"\(header)\" is not an HTTP header field name")
            }
            let lower = header.lowercased()
            guard !Self.proxyOwnedHeaders.contains(lower), !lower.hasPrefix("x-forwarded-") else {
                throw PolicyError(.invalidConfiguration, at + ".header", "\(header) is set by the gateway itself")
            }
            guard seen.insert(lower).inserted else {
                throw PolicyError(.invalidConfiguration, at + ".header", "\(header) is named twice")
            }
            result.append(ClaimHeader(claim: claim, header: header))
        }
        return result
    }

    /// Headers a claim may not overwrite: hop-by-hop and framing fields (RFC 9110 section 7.6.1),
    /// and the ones the gateway writes.
    static let proxyOwnedHeaders: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
        "transfer-encoding", "upgrade", "content-length", "host", "forwarded",
    ]

    /// RFC 9110 `tchar`.
    static func isFieldNameByte(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: "!#$%&'*+-.^_`|~".utf8.contains(c)
        }
    }

    func parseKeyCache(_ node: Node, field: String) throws(PolicyError) -> KeyCacheSettings {
        let cache = try mapping(node, field)
        var strategy: String?
        var options: [String: String] = [:]
        for (keyNode, valueNode) in cache {
            let key = try keyName(keyNode, field)
            guard case .scalar(let scalar) = valueNode, Self.tagName(valueNode) != .null else {
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
}
