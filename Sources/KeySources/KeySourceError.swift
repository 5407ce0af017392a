/// Why a key set could not be fetched or used. Never reaches the hot path: the validator only
/// ever sees `KeyLookup.unavailable` with this error's description.
public struct KeySourceError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure, for counters and tests (the message is for people).
    public enum Kind: String, Sendable, Hashable {
        /// Connection refused, reset, DNS, TLS.
        case network
        /// Connect, read or overall timeout.
        case timeout
        /// A status other than 200.
        case httpStatus = "http-status"
        /// Not a JSON media type.
        case contentType = "content-type"
        /// Larger than the configured cap.
        case tooLarge = "too-large"
        /// A key set with more keys than the configured cap (`max_jwks_keys`).
        case tooManyKeys = "too-many-keys"
        /// The body is not JSON.
        case notJSON = "not-json"
        /// JSON, but not a JWK Set (no `keys` array, or it is empty).
        case notAKeySet = "not-a-key-set"
        /// A JWK Set none of whose keys can be used.
        case noUsableKey = "no-usable-key"
        /// The OIDC discovery document is unusable.
        case discovery
        /// Reading a local file failed.
        case file
        /// Anything else.
        case other
    }

    /// The source (a URL or file path).
    public let source: String
    /// The failure's kind.
    public let kind: Kind
    /// What went wrong, for people.
    public let message: String

    /// An error of unspecified kind.
    public init(source: String, message: String) {
        self.init(source: source, kind: .other, message: message)
    }

    /// An error of a known kind.
    public init(source: String, kind: Kind, message: String) {
        self.source = source
        self.kind = kind
        self.message = message
    }

    /// The same error, attributed to `source`.
    public func at(_ source: String) -> KeySourceError {
        KeySourceError(source: source, kind: kind, message: message)
    }

    /// `source: message`.
    public var description: String { source.isEmpty ? message : "\(source): \(message)" }
}
