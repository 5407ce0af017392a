import Foundation
import JOSECrypto
import TokenMint

/// `wycheproof-jws`: every test of Wycheproof's `json_web_signature_test.json`.
///
/// Each test is a token decided under `ValidationRules.signatureOnly` (the payloads are no
/// claims sets) with the group's key trusted, `public` when the group has one, else `private`
/// (the `oct` groups), and the allowed algorithms `ConformanceSetup.algorithms(for:)`: the
/// key's `alg` when it is a JWS algorithm, else every algorithm of its key type. `valid` must be
/// allowed, `invalid` denied (any reason), `acceptable` either. Case ids: `wycheproof-jws/tc<tcId>`.
public enum ConformanceWycheproofJWSSuite {
    /// The file, relative to the vectors folder.
    public static let file = "wycheproof/testvectors_v1/json_web_signature_test.json"

    /// The cases of the file under the vectors folder `root`.
    public static func load(from root: URL) throws(ConformanceError) -> [ConformanceCase] {
        try ConformanceWycheproof.joseCases(
            file, in: root, as: ConformanceWycheproof.JWSGroup.self, suite: .wycheproofJWS
        ) { group in
            let key = group.public ?? group.private
            return ([key], "\(key.kty) key\(key.alg.map { ", alg \($0)" } ?? "")", [key.kty])
        }
    }
}
