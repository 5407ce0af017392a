import JOSECrypto
import JWTValidation

/// What a conformance case trusts: the rules, where tokens sit in a request, and the keys.
///
/// A plain value, so that loading and listing cases imports no key; the runner prepares each
/// distinct setup once (`ConformanceTrust`) and shares it among the cases naming its `id`.
public struct ConformanceSetup: Sendable {
    /// The trusted keys, or a key source that is down (`keys_unavailable`).
    public enum Keys: Sendable {
        case set([JWK])
        case unavailable
    }

    /// Cases whose setups have the same id share one prepared trust, so the id must differ
    /// whenever rules, locations or keys differ (loaders use suite, file and group).
    public let id: String
    /// The checks the validator applies.
    public let rules: ValidationRules
    /// Where request inputs carry their tokens (the policy's `http.tokens`).
    public let locations: [TokenLocation]
    /// What the key provider holds.
    public let keys: Keys
    /// The denylist the validator asks after the signature (nil: none).
    public let revocation: (any RevocationCheck)?
    /// Private keys for encrypted tokens (empty: signed tokens only); prepared with the run's
    /// backend by `ConformanceTrust`, every JWE algorithm allowed.
    public let decryptionKeys: [JWK]
    /// What the setup requires when it has decryption keys.
    public let requirement: EncryptionRules.Requirement

    /// A setup; `id` must name exactly this combination (see `id`).
    public init(
        id: String, rules: ValidationRules, locations: [TokenLocation] = [], keys: Keys, revocation: (any RevocationCheck)? = nil,
        decryptionKeys: [JWK] = [], requirement: EncryptionRules.Requirement = .encrypted
    ) {
        self.decryptionKeys = decryptionKeys
        self.requirement = requirement
        self.id = id
        self.rules = rules
        self.locations = locations
        self.keys = keys
        self.revocation = revocation
    }

    /// A raw-JWS setup: no claims checks (the vectors' payloads are not claims sets), `keys`
    /// trusted, and `algorithms` allowed, or when nil the algorithms `algorithms(for:)` gives
    /// for the keys.
    public static func signatureOnly(id: String, keys: [JWK], algorithms: [JWSAlgorithm]? = nil) -> ConformanceSetup {
        let allowed = algorithms ?? Self.algorithms(for: keys)
        return ConformanceSetup(id: id, rules: .signatureOnly(allowed), keys: .set(keys))
    }

    /// The algorithms a key is trusted for when a vector does not say: the key's `alg` when it
    /// names a JWS algorithm, otherwise every algorithm of its key type (`kty`), so that the
    /// key's own rules (`KeyFit`: `use`, `key_ops`, curve, size, a non-JWS `alg`) decide.
    public static func algorithms(for key: JWK) -> [JWSAlgorithm] {
        if let alg = key.alg, let declared = JWSAlgorithm(rawValue: alg) { return [declared] }
        return JWSAlgorithm.allCases.filter { $0.keyType == key.kty }
    }

    /// The union of `algorithms(for:)` over `keys`, in `JWSAlgorithm` order.
    public static func algorithms(for keys: [JWK]) -> [JWSAlgorithm] {
        let wanted = Set(keys.flatMap { algorithms(for: $0) })
        return JWSAlgorithm.allCases.filter(wanted.contains)
    }
}
