import JWTValidation

/// A configuration error in a `jwt-validation` policy: ngrok's error code, the field at fault
/// and a message saying what to change.
///
/// Configuration errors are not token problems: they stop the program before any request is
/// seen (exit code 2), so a typo can never silently weaken validation. The codes are ngrok's
/// (`ERR_NGROK_7169` to `ERR_NGROK_7193`, https://ngrok.com/docs/errors/) so that a policy that
/// ngrok rejects is rejected here with the same code; see `Code` for which condition maps to
/// which code and where we had to choose one ourselves.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// ngrok's code, e.g. `"ERR_NGROK_7172"`. Stable: scripts may match on it.
    public let code: String
    /// The dotted path of the offending field, e.g. `"issuer.allow_list"` or
    /// `"http.tokens[1].method"`; `""` when the document as a whole is at fault.
    public let field: String
    /// What is wrong and, where possible, how to fix it. Not a contract.
    public let message: String

    /// An error with any code; the parser itself only uses `Code` values.
    public init(code: String, field: String, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    init(_ code: Code, _ field: String, _ message: String) {
        self.init(code: code.rawValue, field: field, message: message)
    }

    /// `"ERR_NGROK_7172: issuer.allow_list: at least one issuer is required"`.
    public var description: String {
        field.isEmpty ? "\(code): \(message)" : "\(code): \(field): \(message)"
    }

    /// The ngrok configuration error codes used here, named after ngrok's message for them.
    ///
    /// Codes marked "(chosen)" are used for a condition ngrok's documentation does not list
    /// (a jwtbench extension, or a check ngrok leaves unspecified); we picked the closest code
    /// in ngrok's 7169...7193 range rather than invent one outside it.
    public enum Code: String, Sendable, CaseIterable {
        /// "The TYPE token type is invalid": `http.tokens[].type` is not a known type.
        case invalidTokenType = "ERR_NGROK_7169"
        /// "The METHOD token method is invalid. Valid values are 'header' and 'body'."
        case invalidTokenMethod = "ERR_NGROK_7170"
        /// "The JWT Validation configuration is invalid: DETAIL": the catch-all. Used for a
        /// document that is not YAML/JSON, has no `jwt-validation` action, has an unknown field
        /// or a value of the wrong type anywhere, and (chosen) for what jwtbench does not run:
        /// another action type, a second `jwt-validation` action, another phase, a rule's CEL
        /// `expressions`, config fields (`jwtbench:`) at a whole policy's top level. Also
        /// (chosen) for a policy file that does not exist or cannot be read (the message names
        /// the file), bad values of our extensions (`jwtbench.leeway`, `max_lifetime`,
        /// `max_token_bytes`, `key_cache`, `crypto_backend`: the message starts "jwtbench
        /// extension FIELD") and bad key file paths.
        case invalidConfiguration = "ERR_NGROK_7171"
        /// "The JWT Validation configuration must have at least one issuer in the allow list."
        case noIssuer = "ERR_NGROK_7172"
        /// "The JWT Validation issuer is invalid": ngrok requires a URL; we only reject values
        /// that can never be meant (empty, surrounding whitespace, control characters), since
        /// some issuers (`accounts.google.com`) are not URLs and matching is exact anyway.
        case invalidIssuer = "ERR_NGROK_7173"
        /// "...must have at least one audience in the allow list": an `audience` object is
        /// present but lists nothing. Absent `audience` means no audience check.
        case noAudience = "ERR_NGROK_7174"
        /// "The JWT Validation audience is invalid": an empty or untrimmed audience value.
        case invalidAudience = "ERR_NGROK_7175"
        /// "...must have at least one allowed algorithm."
        case noAlgorithm = "ERR_NGROK_7176"
        /// "The TYPE algorithm is invalid": unknown name, or `none` in any spelling.
        case invalidAlgorithm = "ERR_NGROK_7177"
        /// "...must have at least one token configuration": no `http` section (ngrok has no
        /// default token location, and neither do we), or `http.tokens` absent or empty.
        case noToken = "ERR_NGROK_7178"
        /// "The JWT Validation http token is invalid: MSG": a token entry that is not a mapping,
        /// lacks `type` or `method`, or has an unknown member.
        case invalidToken = "ERR_NGROK_7179"
        /// "The JWT Validation http token name NAME is invalid": missing, empty, or (header
        /// tokens) not an HTTP field name.
        case invalidTokenName = "ERR_NGROK_7180"
        /// "The JWT Validation http token prefix PREFIX is invalid": control or non-ASCII
        /// characters, or absurdly long.
        case invalidTokenPrefix = "ERR_NGROK_7181"
        /// "The JWT Validation signing key must have a way to be identified such as the 'kid'
        /// token claim": an empty `jws.keys.identification` claim list.
        case noKeyIdentification = "ERR_NGROK_7182"
        /// "...must have a valid identification mechanism such as the 'kid' token claim": a
        /// claim other than `kid` (we never pick keys by anything else).
        case invalidKeyIdentification = "ERR_NGROK_7183"
        /// "The JWT Validation signing key must have at least one source." Raised only by
        /// `Policy.requireKeySources()`: parsing allows no source, as the CLI may add `--keys`.
        case noKeySource = "ERR_NGROK_7184"
        /// "...has an invalid additional jku: JKU is not a valid URL."
        case invalidJKU = "ERR_NGROK_7185"
        /// "...has an invalid additional jku: JKU did not serve a JWKS." (chosen) also for an
        /// inline key source (`jws.keys.sources.inline`) that is not a JWK Set or JWK list.
        case invalidKeySet = "ERR_NGROK_7186"
        /// "The JWT Validation issuer ISSUER must be unique."
        case duplicateIssuer = "ERR_NGROK_7187"
        /// "The JWT Validation audience AUDIENCE must be unique."
        case duplicateAudience = "ERR_NGROK_7188"
        /// "The JWT Validation http token identified by the method: METHOD and name: NAME must
        /// be unique." Header names compare case-insensitively (HTTP field names do).
        case duplicateToken = "ERR_NGROK_7189"
        /// "The JWT Validation signing key algorithm ALGORITHM must be unique."
        case duplicateAlgorithm = "ERR_NGROK_7190"
        /// "The JWT Validation signing key identification token claim CLAIM must be unique."
        case duplicateKeyIdentification = "ERR_NGROK_7191"
        /// "The JWT Validation signing key source additional jku JKU must be unique."
        /// (chosen) also for a key file listed twice.
        case duplicateKeySource = "ERR_NGROK_7192"
        /// "...have too many possible sources. You can supply at most 100." We count
        /// `additional_jkus` plus key `files`.
        case tooManyKeySources = "ERR_NGROK_7193"
    }
}
