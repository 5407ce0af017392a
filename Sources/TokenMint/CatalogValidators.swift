import JOSECrypto
import JWTValidation
import Policy
import Revocation

/// One validator per catalogue policy, over the test key set: what the catalogue's
/// expectations are checked against (by the tests, the vectors and the load driver).
public struct CatalogValidators: Sendable {
    private let validators: [CatalogPolicy: Validator]
    private let unavailable: [CatalogPolicy: Validator]

    /// A key provider whose source is down: every lookup is `unavailable`.
    public struct DownKeys: KeyProvider {
        public init() {}
        public func lookup(kid: UnsafeRawBufferPointer?, algorithm: JWSAlgorithm) -> KeyLookup {
            .unavailable("the JWKS source is unreachable (catalogue case keys-unavailable)")
        }
    }

    /// Validators over `keySet`; the `revoked` policy's denylist is made from `cases`
    /// (`CatalogRevocation`), so give the cases that will be decided.
    public init(keySet: TestKeySet, backend: any CryptoBackend = OpenSSLBackend(), revoking cases: [MintedCase] = []) throws {
        var validators: [CatalogPolicy: Validator] = [:]
        var unavailable: [CatalogPolicy: Validator] = [:]
        let trusted = keySet.trustedJWKS.keys
        let denylist = try CatalogRevocation.list(for: cases)
        for p in CatalogPolicy.allCases {
            let policy = try p.policy()
            let keys = StaticKeyProvider(keys: trusted, algorithms: policy.allowedAlgorithms, backend: backend)
            let revocation = policy.revocation == nil ? nil : denylist
            validators[p] = Validator(policy: policy, keys: keys, revocation: revocation)
            unavailable[p] = Validator(policy: policy, keys: DownKeys(), revocation: revocation)
        }
        self.validators = validators
        self.unavailable = unavailable
    }

    public func validator(for policy: CatalogPolicy, keys: KeyAvailability) -> Validator {
        (keys == .available ? validators : unavailable)[policy]!
    }

    /// The decision for a case at `now`: (allowed, reason, detail).
    public func decide(_ c: MintedCase, now: Int64) -> (allowed: Bool, reason: ReasonCode?, detail: String?) {
        let v = validator(for: c.policy, keys: c.keys)
        switch c.input {
        case .token(let t):
            switch v.validate(token: t, now: now) {
            case .allow: return (true, nil, nil)
            case .deny(let d): return (false, d.reason, d.detail)
            }
        case .request(let r):
            switch v.validate(request: r, now: now) {
            case .allow: return (true, nil, nil)
            case .deny(let d): return (false, d.reason, d.detail)
            }
        }
    }
}
