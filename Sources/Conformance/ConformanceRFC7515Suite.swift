import Foundation
import JOSECrypto
import JWTValidation
import TokenMint

/// `rfc7515`: RFC 7515 appendix A, from the vectors folder's `rfc7515/*.json`.
///
/// - A.1 to A.3 carry the claims `{"iss":"joe","exp":1300819380,...}`: decided as JWTs (claims
///   checked, issuer `joe` allowed, only the example's algorithm, its `jwk` trusted) at
///   1300819320, one minute before that 2011 `exp`, and must be allowed; each also runs as
///   `A.n-expired` at the project's fixed clock (2026-01-01), where it must be denied `expired`.
/// - A.4's payload is the text `Payload`: as a JWS (`signatureOnly`) it must be allowed; as a JWT
///   (`A.4-as-jwt`, claims checked) it must be denied `token_malformed`.
/// - A.5 is an unsecured JWS (`alg: none`): denied `algorithm_not_allowed` even with every JWS
///   algorithm allowed and the clock before its `exp` (RFC 7518 section 3.6).
/// - A.6 and A.7 are JSON serializations: out of scope for a compact-JWS validator, skipped.
public enum ConformanceRFC7515Suite {
    /// `exp` of the A.1/A.2/A.3/A.5 payloads (2011-03-22T18:43:00Z).
    public static let exampleExpiry: Int64 = 1_300_819_380
    /// The clock for "before it": one minute earlier.
    public static let beforeExpiry: Int64 = exampleExpiry - 60

    struct Example: Decodable {
        let id: String
        let description: String
        let token: String?
        let alg: String?
        let jwk: JWK?
        let expected: String
        let serialization: String?
    }

    static let files = [
        "A1_HS256.json", "A2_RS256.json", "A3_ES256.json", "A4_ES512.json", "A5_none.json",
        "A6_json_general.json", "A7_json_flattened.json",
    ]

    /// The cases of `rfc7515/` under the vectors folder `root`.
    public static func load(from root: URL) throws(ConformanceError) -> [ConformanceCase] {
        var cases: [ConformanceCase] = []
        for name in files {
            let url = root.appendingPathComponent("rfc7515/" + name)
            let example = try ConformanceWycheproof.decode(Example.self, url)
            // "rfc7515-A.1" -> "A.1"
            let local = example.id.replacingOccurrences(of: "rfc7515-", with: "")
            if let serialization = example.serialization {
                cases.append(
                    ConformanceCase(
                        suite: .rfc7515, localID: local, description: example.description, tags: ["json-serialization"],
                        expectation: example.expected == "valid" ? .allow : .deny(nil),
                        body: .skip(
                            "\(serialization) JWS JSON serialization: out of scope for a compact-JWS validator (JWTs are compact, RFC 7519 section 1)"
                        )))
                continue
            }
            guard let token = example.token, let algName = example.alg else {
                throw .malformedVectors(path: url.path, "a compact example needs token and alg")
            }
            if algName == "none" {
                let setup = ConformanceSetup(
                    id: "rfc7515/\(local)", rules: ValidationRules(issuers: ["joe"], allowedAlgorithms: JWSAlgorithm.allCases),
                    keys: .set([]))
                cases.append(
                    ConformanceCase(
                        suite: .rfc7515, localID: local, description: example.description + ": never accepted, whatever is allowed",
                        tags: ["none", "jwt"], expectation: .deny(.algorithmNotAllowed),
                        body: .run(.token(token), setup, now: beforeExpiry)))
                continue
            }
            guard let algorithm = JWSAlgorithm(rawValue: algName), let jwk = example.jwk, example.expected == "valid" else {
                throw .malformedVectors(path: url.path, "expected a valid example with a JWS alg and a jwk")
            }
            let segments = token.split(separator: ".", omittingEmptySubsequences: false)
            guard segments.count == 3, let payload = Base64URL.decode(String(segments[1])) else {
                throw .malformedVectors(path: url.path, "token is not a compact JWS")
            }
            // A.1-A.3 carry a claims set, A.4 the text "Payload".
            let isJWT = (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any] != nil
            let jwtSetup = ConformanceSetup(
                id: "rfc7515/\(local)/jwt", rules: ValidationRules(issuers: ["joe"], allowedAlgorithms: [algorithm]), keys: .set([jwk]))
            if isJWT {
                cases.append(
                    ConformanceCase(
                        suite: .rfc7515, localID: local, description: example.description + " at 1300819320, before its 2011 exp",
                        tags: [algorithm.rawValue, "jwt"], expectation: .allow, body: .run(.token(token), jwtSetup, now: beforeExpiry)))
                cases.append(
                    ConformanceCase(
                        suite: .rfc7515, localID: local + "-expired",
                        description: example.description + " at 2026-01-01, after its 2011 exp",
                        tags: [algorithm.rawValue, "jwt", "exp"], expectation: .deny(.expired),
                        body: .run(.token(token), jwtSetup, now: VectorFile.defaultNow)))
            } else {
                let jwsSetup = ConformanceSetup.signatureOnly(id: "rfc7515/\(local)/jws", keys: [jwk], algorithms: [algorithm])
                cases.append(
                    ConformanceCase(
                        suite: .rfc7515, localID: local, description: example.description + " as a JWS (its payload is no claims set)",
                        tags: [algorithm.rawValue, "jws"], expectation: .allow,
                        body: .run(.token(token), jwsSetup, now: VectorFile.defaultNow)))
                cases.append(
                    ConformanceCase(
                        suite: .rfc7515, localID: local + "-as-jwt",
                        description: example.description + " as a JWT: the payload is not JSON",
                        tags: [algorithm.rawValue, "jwt"], expectation: .deny(.tokenMalformed),
                        body: .run(.token(token), jwtSetup, now: VectorFile.defaultNow)))
            }
        }
        return cases
    }
}
