import JOSECrypto
import JWTValidation
import TokenMint

/// A `ConformanceSetup` made ready to decide: its keys imported by a crypto backend into the
/// same key snapshot production uses, and a `Validator` over them.
public struct ConformanceTrust: Sendable {
    /// What was prepared.
    public let setup: ConformanceSetup
    /// The key provider the validator looks keys up in.
    public let keys: any KeyProvider
    /// Keys the snapshot refused (wrong `use`, too short, alg mismatch, ...), with why.
    public let skippedKeys: [KeySnapshot.Skipped]
    /// The validator for token and request inputs.
    public let validator: Validator

    /// Imports the setup's keys with `backend` (a refused key is reported in `skippedKeys`,
    /// never fatal, exactly as in a real key set).
    public init(_ setup: ConformanceSetup, backend: any CryptoBackend) {
        self.setup = setup
        switch setup.keys {
        case .set(let jwks):
            let snapshot = KeySnapshot(keys: jwks, algorithms: setup.rules.allowedAlgorithms, backend: backend)
            self.keys = StaticKeyProvider(snapshot: snapshot)
            self.skippedKeys = snapshot.skipped
        case .unavailable:
            self.keys = CatalogValidators.DownKeys()
            self.skippedKeys = []
        }
        var rules = setup.rules
        if !setup.decryptionKeys.isEmpty {
            // A key the library refuses is left out, as a refused signing key is.
            let cipher = JWECiphers.named(backend.name) ?? OpenSSLJWECipher()
            let prepared = setup.decryptionKeys.compactMap { try? JWEDecryptionKey(jwk: $0, cipher: cipher) }
            rules = rules.with(
                encryption: EncryptionRules(
                    requirement: setup.requirement, keys: prepared, allowedKeyManagement: JWEKeyManagement.allCases,
                    allowedContentEncryption: JWEContentEncryption.allCases))
        }
        self.validator = Validator(rules: rules, keys: keys, locations: setup.locations, revocation: setup.revocation)
    }

    /// Why no key was found, for a deny detail: the refused keys' reasons, or that none fits.
    public func noKeyDetail(for algorithms: [JWSAlgorithm]) -> String {
        let names = algorithms.map(\.rawValue).joined(separator: ", ")
        guard !skippedKeys.isEmpty else { return "no trusted key serves \(names)" }
        return "no trusted key serves \(names): "
            + skippedKeys.map { "\($0.kid.map { "kid \"\($0)\"" } ?? "key") refused: \($0.reason)" }.joined(separator: "; ")
    }
}
