import Foundation
import JOSECrypto
import TokenMint

/// `wycheproof-jwk`: every test of Wycheproof's `json_web_key_test.json`.
///
/// Each test is a token decided under `ValidationRules.signatureOnly` with the group's key set
/// trusted (`public` when present, else `private`) through the production key snapshot (which
/// refuses unusable keys and drops keys sharing a kid), and the allowed algorithms the union of
/// `ConformanceSetup.algorithms(for:)` over the set's keys. `valid` must be allowed, `invalid`
/// denied (any reason). Case ids: `wycheproof-jwk/tc<tcId>`.
public enum ConformanceWycheproofJWKSuite {
    /// The file, relative to the vectors folder.
    public static let file = "wycheproof/testvectors_v1/json_web_key_test.json"

    /// The cases of the file under the vectors folder `root`.
    public static func load(from root: URL) throws(ConformanceError) -> [ConformanceCase] {
        try ConformanceWycheproof.joseCases(
            file, in: root, as: ConformanceWycheproof.JWKGroup.self, suite: .wycheproofJWK
        ) { group in
            let keys = (group.public ?? group.private).keys
            return (keys, "\(keys.count) key\(keys.count == 1 ? "" : "s")", [])
        }
    }
}
