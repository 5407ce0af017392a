import Foundation
import JOSECrypto
import TokenMint

/// The committed test keys (vectors/keys) the project's vectors are signed with, so the seed
/// corpus (tokens from vectors/jwtbench-cases.json) reaches the signature check and allows.
public enum FuzzKeys {
    /// The catalogue's issuer, audience and fixed time (vectors/jwtbench-cases.json).
    public static let issuer = "https://issuer.jwtbench.test/"
    public static let audience = "https://api.jwtbench.test"
    public static let now: Int64 = 1_767_225_600

    /// The pinned keys of the fuzzed algorithms, by algorithm: public halves (the secret for HS256).
    public static let byAlgorithm: [(JWSAlgorithm, JWK)] = {
        guard let set = try? TestKeySet.loadDefault() else { fatalError("fuzz: the committed keys (vectors/keys) are missing") }
        return [JWSAlgorithm.rs256, .ps256, .es256, .hs256, .edDSA].map { alg in
            let key = set.keys[TestKeySet.keyName(for: alg)]!
            return (alg, alg.family == .hmac ? key : key.publicKey)
        }
    }()
}
