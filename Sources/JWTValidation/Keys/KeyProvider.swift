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
    func lookup(kid: UnsafeRawBufferPointer?, algorithm: JWSAlgorithm) -> KeyLookup
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
