/// Each algorithm on the backend that verified it fastest on this kind of machine.
///
/// Verifiers report the backend that really serves them (`backendName` is `openssl` or
/// `boringssl`), so reports show the routing. The choice only changes speed: both backends give
/// the same answer for every signature (the Wycheproof suites run against each). One key is
/// treated differently: BoringSSL refuses RSA public exponents over 33 bits (see `BoringSSLBackend`).
///
/// Measured with `jwtbench speed --backend all --pattern per-thread --clock cpu --seconds 0.5
/// --rounds 9` (release build, one thread, same key and token-sized message for both libraries,
/// cells interleaved, medians), twice, plus one wall-clock run (`--seconds 1 --rounds 7`), on the
/// shared 2-core machine under a load average of 8-10 (so absolute figures are slow and only the
/// ratios within a run count; the same library measured twice in a run differed by up to ~10%).
/// OpenSSL 3.0.19 with per-thread contexts versus BoringSSL through swift-crypto 4.5.2:
///
/// | alg    | OpenSSL µs | BoringSSL µs | BoringSSL/OpenSSL rate, 3 runs (wall, cpu, cpu) | route     |
/// |--------|-----------:|-------------:|--------------------------------|-----------|
/// | RS256  |   31.4     |   28.7       | 1.14, 1.10, 1.10               | openssl, see below |
/// | RS384  |   29.6     |   30.1       | 0.98, 1.05, 0.98               | openssl, see below |
/// | RS512  |   26.1     |   25.0       | 0.99, 1.09, 1.04               | openssl, see below |
/// | PS256  |   31.7     |   28.5       | 1.29, 0.99, 1.11               | openssl, see below |
/// | PS384  |   37.5     |   34.5       | 1.02, 1.11, 1.09               | openssl, see below |
/// | PS512  |   29.0     |   27.8       | 1.06, 1.05, 1.04               | openssl, see below |
/// | ES256  |  100.1     |   81.9       | 1.24, 1.16, 1.22               | openssl, see below |
/// | ES384  |  930       |  647         | 1.54, 1.56, 1.44               | boringssl |
/// | ES512  |  703       | 1467         | 0.51, 0.45, 0.48               | openssl   |
/// | EdDSA  |  163       |   84.1       | 1.51, 1.39, 1.94               | boringssl |
/// | HS256  |    1.06    |    2.40      | 0.55, 0.54, 0.44               | openssl   |
/// | HS384  |    2.39    |    3.28      | 0.76, 0.67, 0.73               | openssl   |
/// | HS512  |    3.15    |    5.20      | 0.72, 0.67, 0.61               | openssl   |
///
/// (µs per verification of CPU time, from the second cpu run.) OpenSSL won ES512 (this OpenSSL
/// build has the dedicated 64-bit `ecp_nistp521` code; BoringSSL uses its generic Montgomery
/// code for P-384 and P-521, which still beats OpenSSL 3.0's generic P-384) and HMAC
/// (swift-crypto's HMAC costs about 1 µs more per call: copies of the hash state, three
/// allocations, generic dispatch). With two threads the ratios were the same (RS256 1.16,
/// ES256 1.28, EdDSA 1.58, HS256 0.53). The RSA algorithms were one family then (the
/// public-key operation is the same for all six and dominates; BoringSSL about 6% faster, as
/// ANCHORS.md's 17.9 vs 19.5 µs).
///
/// Since then RSA on OpenSSL no longer goes through EVP: `OpenSSLRSAPublicKey` spends 16
/// Montgomery squarings and 1 product on e = 65537 where `BN_mod_exp_mont` spends about 19.5,
/// and `OpenSSLRSAPKCS1Verifier` / `OpenSSLRSAPSSVerifier` check the encodings on stack buffers
/// (0 allocations; RS256 on BoringSSL: 20). Re-measured with `jwtbench speed --alg
/// RS256,RS384,RS512,PS256 --pattern per-thread --backend all --seconds 0.5 --rounds 9 --clock
/// cpu` (2026-11-29, load about 1; PS256's row is from before PS* had the new path):
///
/// | alg   | OpenSSL µs, 1 thread | BoringSSL µs | BoringSSL/OpenSSL rate, 1 thread / 2 threads | route   |
/// |-------|------:|------:|-------------|-----------|
/// | RS256 | 21.2  | 25.2  | 0.84 / 0.82 | openssl   |
/// | RS384 | 28.3  | 31.2  | 0.91 / 0.87 | openssl   |
/// | RS512 | 29.4  | 31.4  | 0.94 / 0.85 | openssl   |
/// | PS256 | 27.4  | 23.1  | 1.19 / 1.14 | (EVP then) |
///
/// With `OpenSSLRSAPSSVerifier` (same command, `--alg RS256,PS256,PS384,PS512`): rate PS256
/// 0.82 / 0.92, PS384 1.08 / 0.81, PS512 1.02 / 0.96 (RS256 in the same runs 0.83 / 0.89), so
/// PS* follow RS* to OpenSSL. ES256 moved to OpenSSL too, with a table of each key's multiples
/// (`OpenSSLP256Verifier`: both point multiplications fixed-base): same command with `--alg
/// ES256`, 43.0 µs against BoringSSL's 87.1 µs on one thread (rate 0.49), 0.44 on two, with
/// OpenSSL's tables; on CP256's own tables, divsteps inverse and field multiplication for p
/// (no allocation), 28.9 µs against 94.0 µs (rate 0.31), 0.34 on two threads. ("openssl" for
/// ES256 thus means OpenSSL's SHA-256 and key parsing, its `EC_POINT_mul` for a key's first 8
/// verifications, and CP256 for the rest.) ES384,
/// ES512, EdDSA and HMAC keep the first table's routes. Key tables on the other curves, tried
/// in a C prototype (one run on a busy machine): P-384's generic precomputation made the two
/// fixed-base products slower than OpenSSL's u1*G + u2*Q (2,228 vs 1,079 µs); P-521's were
/// faster (679 vs 893 µs), but a BIGNUM inverse and affine x (68 + 46 µs) leave at most ~10%:
/// not done.
public struct AutoBackend: CryptoBackend {
    /// One of the two libraries.
    public enum Choice: String, Sendable, CaseIterable {
        case openssl, boringssl
    }

    public var name: String { "auto" }
    /// The OpenSSL backend used for the algorithms routed to OpenSSL.
    public let openssl: OpenSSLBackend
    /// The BoringSSL backend used for the algorithms routed to BoringSSL.
    public let boringssl: BoringSSLBackend

    public init(openssl: OpenSSLBackend = OpenSSLBackend()) {
        self.openssl = openssl
        self.boringssl = BoringSSLBackend()
    }

    /// The library that verifies `algorithm` fastest (figures in the type's documentation).
    public static func preferred(for algorithm: JWSAlgorithm) -> Choice {
        switch algorithm {
        case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512: return .openssl
        case .es256: return .openssl
        case .es384: return .boringssl
        case .es512: return .openssl
        case .edDSA, .ed25519: return .boringssl
        case .hs256, .hs384, .hs512: return .openssl
        }
    }

    /// The backend that serves `algorithm`: the preferred one, or the other when the preferred
    /// one does not support it.
    public func backend(for algorithm: JWSAlgorithm) -> any CryptoBackend {
        let first: any CryptoBackend = Self.preferred(for: algorithm) == .openssl ? openssl : boringssl
        if first.supports(algorithm) { return first }
        return Self.preferred(for: algorithm) == .openssl ? boringssl : openssl
    }

    public func supports(_ algorithm: JWSAlgorithm) -> Bool {
        openssl.supports(algorithm) || boringssl.supports(algorithm)
    }

    public func makeVerifier(key: JWK, algorithm: JWSAlgorithm) throws -> any SignatureVerifier {
        try backend(for: algorithm).makeVerifier(key: key, algorithm: algorithm)
    }

    public func makeSigner(key: JWK, algorithm: JWSAlgorithm) throws -> any SignatureSigner {
        try backend(for: algorithm).makeSigner(key: key, algorithm: algorithm)
    }
}
