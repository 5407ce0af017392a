import JOSECrypto

/// What a key lookup found.
public enum KeyLookup: Sendable {
    /// Candidate verifiers, in order; the first that verifies wins. Never empty.
    case found([any SignatureVerifier])
    /// No key fits this `kid` (or, without a `kid`, this algorithm).
    case notFound
    /// No usable key set could be had (fetch failed, nothing cached); the text says why.
    case unavailable(String)
}

/// Answers key lookups for the validator, synchronously, from an immutable snapshot.
///
/// Implementations must not lock, wait or do I/O in `lookup`: refreshing happens elsewhere
/// (docs/ARCHITECTURE.md, Key sources and key-cache strategies). The `kid` buffer is only valid during the call.
public protocol KeyProvider: Sendable {
    /// The verifiers for `kid` (nil: the token has none) that fit `algorithm`.
    func lookup(kid: UnsafeRawBufferPointer?, algorithm: JWSAlgorithm) -> KeyLookup

    /// The work a key-cache strategy puts before a validation, done by the caller's thread:
    /// a blocking fetch for the `none` and `ttl` strategies, nothing for the others (and for
    /// fixed keys). Returns how long it waited. Never called by `validate`, whose hot path
    /// must not block: callers outside it (the CLI, the load and cache-compare workers) call
    /// `Validator.prepareKeys()` before each validation.
    @discardableResult
    func prepareForValidation() -> Duration
}

extension KeyProvider {
    /// Fixed key sets have nothing to prepare.
    @discardableResult
    public func prepareForValidation() -> Duration { .zero }
}

/// A fixed key set (inline or from files): the provider for `--keys` and for tests.
public struct StaticKeyProvider: KeyProvider {
    public let snapshot: KeySnapshot

    public init(snapshot: KeySnapshot) { self.snapshot = snapshot }

    /// Builds the snapshot for `keys`, preparing a verifier for every allowed algorithm each key fits.
    public init(keys: [JWK], algorithms: [JWSAlgorithm], backend: any CryptoBackend = OpenSSLBackend()) {
        self.snapshot = KeySnapshot(keys: keys, algorithms: algorithms, backend: backend)
    }

    public func lookup(kid: UnsafeRawBufferPointer?, algorithm: JWSAlgorithm) -> KeyLookup {
        snapshot.lookup(kid: kid, algorithm: algorithm)
    }
}
