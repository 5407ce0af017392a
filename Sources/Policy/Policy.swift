import Foundation
import JOSECrypto
import JWTValidation

/// A validated `jwt-validation` configuration, read from an ngrok Traffic Policy document.
///
/// ## Accepted documents (YAML or JSON; JSON is read as YAML)
/// - a whole policy: `on_http_request: [{actions: [{type: jwt-validation, config: {...}}]}]`
///   (ngrok's legacy `inbound:` phase too);
/// - one rule: `{actions: [...]}`; one action: `{type: jwt-validation, config: {...}}`;
/// - the action's `config` alone.
///
/// Nothing ngrok would act on is ignored: a policy or rule may hold exactly one action, the
/// `jwt-validation` one. Other action types, a second `jwt-validation` action, other phases
/// (`on_http_response`, `on_tcp_connect`), non-empty CEL `expressions` (we have no CEL
/// engine) and unknown top-level keys (a `jwtbench:` block belongs inside `config`) are
/// errors (`ERR_NGROK_7171`) naming the field. A rule's `name` is allowed.
///
/// ## ngrok's fields
/// ```yaml
/// issuer:   {allow_list: [{value: "https://issuer.example/"}]}  # required, exact match
/// audience: {allow_list: [{value: "api://default"}]}            # optional
/// http:                           # required, as in ngrok (ERR_NGROK_7178 without it)
///   tokens:                       # at least one
///     - type: jwt                 # jwt, access_token, id_token, at+jwt, it+jwt, plain
///       method: header            # header | body
///       name: Authorization
///       prefix: "Bearer "
/// jws:
///   allowed_algorithms: [RS256, ES256]
///   keys:
///     identification: {token_claims: [kid]}   # optional, default [kid]; only kid exists
///     sources:
///       additional_jkus: ["https://issuer.example/jwks.json"]   # https, at most 100
/// ```
/// Parsing is strict: an unknown field, a value of the wrong YAML type (quote numbers meant
/// as strings) or a duplicate key is an error, because a misspelt `audience` or
/// `allowed_algorithms` must never silently weaken validation.
///
/// ## jwtbench extensions (not ngrok fields; ngrok would reject a policy using them)
/// ```yaml
/// jws:
///   keys:
///     sources:
///       inline: {keys: [{kty: oct, kid: k1, k: "..."}]}  # a JWK Set, a list of JWKs, or
///                                                       # either as a JSON string
///       files: [keys/jwks.json]     # JWK Set files, relative to the policy file
/// jwtbench:                         # every other extension lives under this one key
///   leeway: 30                      # seconds of clock skew on exp/nbf, 0...86400, default 0
///   require_expiration: true        # deny tokens without exp, default false
///   max_lifetime: 3600              # deny exp - iat above this, seconds, 1...315360000
///   max_token_bytes: 16384          # 1...1048576, default 16384
///   key_cache: {strategy: refresh-ahead, ...}   # see KeyCacheSettings
///   crypto_backend: auto            # openssl, boringssl or auto (default: each algorithm on
///                                   # the backend measured fastest here, see AutoBackend)
///   claim_to_headers:               # gateway: verified claims forwarded as request headers
///     - {claim: sub, header: X-User}
///   revocation:                     # a token denylist, see RevocationSettings
///     file: revoked.txt             # relative to the policy file, like key files
///     reload_interval: 5s           # file checked for changes this often, default 5s
///   jwe:                            # encrypted and nested tokens, see JWESettings
///     require: nested               # signed | encrypted | nested
///     allowed_key_management: [RSA-OAEP-256]
///     allowed_content_encryption: [A256GCM]
///     keys: {files: [keys/decryption.json]}   # private: inline or files, never a URL
/// ```
public struct Policy: Sendable, Equatable {
    /// Allowed `iss` values, matched exactly (no normalisation, trailing slash included).
    public var issuers: [String]
    /// Allowed `aud` values (the token's `aud` must contain one); empty means no aud check.
    public var audiences: [String]
    /// Every one of these tokens must be present in a request, in this order.
    public var tokens: [TokenLocation]
    /// The `alg` values accepted, in policy order (`none` cannot be represented).
    public var allowedAlgorithms: [JWSAlgorithm]
    /// Header claims that pick the key; always `["kid"]` today.
    public var keyIdentificationClaims: [String]
    /// JWKS URLs (ngrok's `jws.keys.sources.additional_jkus`).
    public var additionalJKUs: [String]
    /// Clock skew tolerated on `exp`/`nbf` (extension; ngrok has none, hence default 0).
    public var leewaySeconds: Int64
    /// Deny tokens without `exp` (extension).
    public var requireExpiration: Bool
    /// Deny tokens whose lifetime (`exp - iat`) exceeds this (extension).
    public var maxLifetimeSeconds: Int64?
    /// Deny longer tokens before parsing them (extension).
    public var maxTokenBytes: Int
    /// Keys given in the policy itself (extension).
    public var inlineKeys: [JWK]
    /// JWK Set files (extension), resolved against the policy file's directory when known.
    public var keyFiles: [String]
    /// The requested key-cache strategy (extension); nil means the library default.
    public var keyCache: KeyCacheSettings?
    /// The crypto backend keys are imported with (extension): a `CryptoBackends` name; nil
    /// means `auto`. Command-line flags override it.
    public var cryptoBackend: String?
    /// Verified claims the gateway forwards as request headers (`jwtbench.claim_to_headers`).
    public var claimHeaders: [ClaimHeader]
    /// The token denylist (`jwtbench.revocation`); nil: no token is revoked.
    public var revocation: RevocationSettings?
    /// Encrypted tokens (`jwtbench.jwe`); nil: signed tokens (JWS) only.
    public var jwe: JWESettings?

    /// A policy built in code. Unlike `parse`, this checks nothing: callers build what they
    /// mean (tests, signature-only harness runs).
    public init(
        issuers: [String],
        audiences: [String] = [],
        tokens: [TokenLocation] = [.authorizationBearer],
        allowedAlgorithms: [JWSAlgorithm],
        keyIdentificationClaims: [String] = ["kid"],
        additionalJKUs: [String] = [],
        leewaySeconds: Int64 = 0,
        requireExpiration: Bool = false,
        maxLifetimeSeconds: Int64? = nil,
        maxTokenBytes: Int = ValidationRules.defaultMaxTokenBytes,
        inlineKeys: [JWK] = [],
        keyFiles: [String] = [],
        keyCache: KeyCacheSettings? = nil,
        cryptoBackend: String? = nil,
        claimHeaders: [ClaimHeader] = [],
        revocation: RevocationSettings? = nil,
        jwe: JWESettings? = nil
    ) {
        self.issuers = issuers
        self.audiences = audiences
        self.tokens = tokens
        self.allowedAlgorithms = allowedAlgorithms
        self.keyIdentificationClaims = keyIdentificationClaims
        self.additionalJKUs = additionalJKUs
        self.leewaySeconds = leewaySeconds
        self.requireExpiration = requireExpiration
        self.maxLifetimeSeconds = maxLifetimeSeconds
        self.maxTokenBytes = maxTokenBytes
        self.inlineKeys = inlineKeys
        self.keyFiles = keyFiles
        self.keyCache = keyCache
        self.cryptoBackend = cryptoBackend
        self.claimHeaders = claimHeaders
        self.revocation = revocation
        self.jwe = jwe
    }

    /// Whether the policy names any key: a JKU, an inline key or a key file.
    ///
    /// A policy without one still parses, because the CLI can add keys (`--keys`); call
    /// `requireKeySources()` once all sources are known.
    public var hasKeySources: Bool {
        !additionalJKUs.isEmpty || !inlineKeys.isEmpty || !keyFiles.isEmpty
    }

    /// Throws ngrok's `ERR_NGROK_7184` when the policy names no key source at all.
    public func requireKeySources() throws(PolicyError) {
        guard hasKeySources else {
            throw PolicyError(
                .noKeySource, "jws.keys.sources",
                "the signing key must have at least one source: add additional_jkus, inline keys or key files")
        }
    }

    /// The largest policy document read: real ones are a few KiB, and a cap keeps a wrong
    /// path (a log file, a device) from being slurped.
    public static let maxDocumentBytes = 1024 * 1024

    /// Reads and parses the policy file at `path`; relative key `files` (and the revocation
    /// `file`) are resolved against the file's directory.
    public static func load(path: String) throws(PolicyError) -> Policy {
        let url = URL(fileURLWithPath: path)
        // Check the size before reading, so a wrong path to a huge file fails fast.
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber
        if let size, size.intValue > maxDocumentBytes {
            throw PolicyError(.invalidConfiguration, "", "policy file \(path) is larger than \(maxDocumentBytes) bytes")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw PolicyError(.invalidConfiguration, "", "the policy file \(path) does not exist")
            }
            throw PolicyError(.invalidConfiguration, "", "cannot read the policy file \(path): \(error.localizedDescription)")
        }
        guard data.count <= maxDocumentBytes else {
            throw PolicyError(.invalidConfiguration, "", "policy file \(path) is larger than \(maxDocumentBytes) bytes")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PolicyError(.invalidConfiguration, "", "policy file \(path) is not UTF-8 text")
        }
        return try parse(text, baseDirectory: url.deletingLastPathComponent().path)
    }

    /// Parses a policy document (see the type's documentation for the accepted forms).
    ///
    /// - Parameter baseDirectory: the directory relative key `files` are resolved against;
    ///   nil leaves them as written (relative to the working directory).
    public static func parse(_ text: String, baseDirectory: String? = nil) throws(PolicyError) -> Policy {
        guard text.utf8.count <= maxDocumentBytes else {
            throw PolicyError(.invalidConfiguration, "", "policy document is larger than \(maxDocumentBytes) bytes")
        }
        return try PolicyParser(baseDirectory: baseDirectory).parse(text)
    }
}
