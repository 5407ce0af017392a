/// Answers whether a verified token has been revoked (a denylist), from an immutable state
/// published off the hot path.
///
/// The validator asks only after the signature and the claims passed (docs/ARCHITECTURE.md,
/// Check order), so a forged token can never probe the list. Implementations must not lock,
/// wait, allocate or do I/O in `isRevoked`: reloading the list happens elsewhere, as key
/// refreshes do for `KeyProvider`. The buffers are only valid during the call.
public protocol RevocationCheck: Sendable {
    /// Whether the token is listed: by `jti` (the claim's unescaped value, nil when the token
    /// has none) or by its compact bytes (`token`, exactly as received).
    func isRevoked(jti: UnsafeRawBufferPointer?, token: UnsafeRawBufferPointer) -> Bool

    /// Changes whenever the list changes. A verified-token cache entry is only good for the
    /// generation it was checked under, so a newly revoked token is never served from it.
    var generation: UInt64 { get }
}
