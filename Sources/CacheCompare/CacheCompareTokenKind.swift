/// What a token in a `cache-compare` stream is, which decides how its decision is graded.
enum CacheCompareTokenKind: Int, Sendable {
    /// Signed with the issuer's current signing key (before a rotation, the first key; after
    /// it, the new one): must be allowed, else a false reject.
    case current
    /// Signed with the key a rotation retires: must be allowed before the retirement, must be
    /// denied once the retirement is older than the grace, either in between.
    case retiring
    /// A random unknown kid, signed by an attacker's key: must be denied, else a false accept.
    case forged
}
