import Foundation

/// The conformance suites `jwtbench conform` runs, by their stable names (used by `--suite`, in
/// case ids, JUnit suite names and the expected-failure list, so never renamed).
public enum ConformanceSuite: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    /// The project's own vectors (`vectors/jwtbench-cases.json`), minted from the catalogue.
    case jwtbench
    /// Wycheproof `json_web_signature_test.json`: whole compact tokens.
    case wycheproofJWS = "wycheproof-jws"
    /// Wycheproof `json_web_key_test.json`: key sets and key-handling mistakes.
    case wycheproofJWK = "wycheproof-jwk"
    /// The Wycheproof primitive files behind the JWS algorithms, through raw verify.
    case wycheproofPrimitives = "wycheproof-primitives"
    /// RFC 7515 appendix A (A.1 to A.5; A.6/A.7 are JSON serializations).
    case rfc7515
    /// RFC 7520 (JOSE cookbook) sections 3 and 4, RFC 8037 A.4 and RFC 7797.
    case rfc7520
    /// Added: Wycheproof `json_web_encryption_test.json`, compact JWEs under the group's key.
    case wycheproofJWE = "wycheproof-jwe"
    /// Added: the Wycheproof primitive files behind the JWE algorithms (AES-GCM, AES-CBC-HMAC,
    /// AES key wrap, RSA-OAEP, ECDH) through our wrappers on both backends.
    case wycheproofJWEPrimitives = "wycheproof-jwe-primitives"
    /// Added: RFC 7520 section 5 (JWE examples) and section 6 (a nested JWT).
    case rfc7520JWE = "rfc7520-jwe"

    /// The stable name.
    public var description: String { rawValue }

    /// Whether the suite is read from the external vectors folder (`--suites DIR`).
    public var isExternal: Bool { self != .jwtbench }

    /// One line for `--help` and `--list`.
    public var summary: String {
        switch self {
        case .jwtbench: return "the project's vectors (vectors/jwtbench-cases.json): tokens and requests under ngrok policies"
        case .wycheproofJWS: return "Wycheproof json_web_signature_test.json: compact JWS under the group's key"
        case .wycheproofJWK: return "Wycheproof json_web_key_test.json: JWS under the group's key set"
        case .wycheproofPrimitives: return "Wycheproof HMAC/RSA/PSS/ECDSA-P1363/EdDSA files through raw verify"
        case .rfc7515: return "RFC 7515 appendix A.1-A.5 (A.6/A.7 JSON serializations skipped)"
        case .rfc7520: return "RFC 7520 cookbook JWS (section 4) and JWK (section 3) examples, RFC 8037 Ed25519, RFC 7797 b64:false"
        case .wycheproofJWE: return "Wycheproof json_web_encryption_test.json: compact JWE decrypted under the group's key"
        case .wycheproofJWEPrimitives:
            return "Wycheproof AES-GCM/CBC-HMAC/key-wrap, RSA-OAEP, ECDH files through the JWE wrappers, both backends"
        case .rfc7520JWE: return "RFC 7520 cookbook JWE examples (section 5) and the nested JWT (section 6)"
        }
    }

    /// Parses `--suite` values (names separated by commas, or `all`); an unknown name is a usage error.
    public static func parseList(_ values: [String]) -> Result<[ConformanceSuite], ConformanceError> {
        var out: [ConformanceSuite] = []
        for value in values {
            for part in value.split(separator: ",") {
                let name = part.trimmingCharacters(in: .whitespaces)
                if name == "all" {
                    out += allCases
                } else if let suite = ConformanceSuite(rawValue: name) {
                    out.append(suite)
                } else {
                    return .failure(.usage("unknown suite \"\(name)\"; known: \(allCases.map(\.rawValue).joined(separator: ", "))"))
                }
            }
        }
        // Keep the canonical order, once each, whatever order they were given in.
        return .success(allCases.filter(out.contains))
    }
}
