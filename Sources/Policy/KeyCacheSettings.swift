import JWTValidation

/// The key-cache strategy a policy asks for (jwtbench extension, `jwtbench.key_cache`).
///
/// Kept opaque here on purpose: the strategies and their knobs belong to the KeySources
/// module (docs/ARCHITECTURE.md, Key sources and key-cache strategies), which interprets and validates them. The policy only
/// carries them, so adding a knob never needs a change to the policy parser.
///
/// ```yaml
/// jwtbench:
///   key_cache:
///     strategy: refresh-ahead      # required, non-empty
///     refresh_interval: 900        # any other scalar knob, kept as a string
/// ```
public struct KeyCacheSettings: Sendable, Hashable {
    /// The strategy name, e.g. `"ttl"` or `"refresh-ahead"`.
    public var strategy: String
    /// Every other member of `key_cache`, by name, with its scalar value as written.
    public var options: [String: String]

    /// Settings as written in code; KeySources validates them.
    public init(strategy: String, options: [String: String] = [:]) {
        self.strategy = strategy
        self.options = options
    }
}
