import JOSECrypto
import JWTValidation
import Policy

/// The policies the catalogue's expectations are stated under. `standard` is ngrok's
/// jwt-validation config for the catalogue issuer and audience, a Bearer header token and every
/// algorithm; the others change exactly one thing.
public enum CatalogPolicy: String, Sendable, CaseIterable, Codable {
    case standard
    case leeway60 = "leeway-60"
    case requireExpiration = "require-exp"
    case maxLifetime = "max-lifetime-3600"
    case accessToken = "at-jwt"
    case eddsaOnly = "eddsa-only"
    case bodyToken = "body-token"
    /// `standard` with a token denylist (`jwtbench.revocation`, file `revoked.txt` beside the
    /// policy; its entries are `CatalogRevocation.entries(for:)`).
    case revoked
    /// `standard` that requires nested JWTs (`jwtbench.jwe`, `require: nested`): a signed token
    /// inside RSA-OAEP-256 or ECDH-ES+A256KW with A256GCM or A128CBC-HS256
    /// (`CatalogEncryption`'s keys, inline).
    case nested
    /// `standard` that requires encrypted tokens (`require: encrypted`) with a shared secret
    /// (dir or A256KW): the plaintext is the claims set.
    case encrypted

    /// The ngrok `jwt-validation` config (YAML), without key sources (keys come separately).
    public var yaml: String {
        let algorithms = self == .eddsaOnly ? [JWSAlgorithm.edDSA] : JWSAlgorithm.allCases
        let token: String
        switch self {
        case .accessToken:
            token = "    - type: at+jwt\n      method: header\n      name: Authorization\n      prefix: \"Bearer \""
        case .bodyToken:
            token = "    - type: jwt\n      method: body\n      name: access_token"
        default:
            token = "    - type: jwt\n      method: header\n      name: Authorization\n      prefix: \"Bearer \""
        }
        var extensions: [String] = []
        switch self {
        case .leeway60: extensions.append("  leeway: 60")
        case .requireExpiration: extensions.append("  require_expiration: true")
        case .maxLifetime: extensions.append("  max_lifetime: 3600")
        case .revoked: extensions.append("  revocation:\n    file: \(CatalogRevocation.fileName)")
        case .nested:
            extensions.append(
                CatalogEncryption.yaml(
                    require: "nested", algs: [.rsaOAEP256, .ecdhESA256KW], encs: [.a256GCM, .a128CBCHS256],
                    kids: ["jwe-rsa-1", "jwe-ec256-1"]))
        case .encrypted:
            extensions.append(
                CatalogEncryption.yaml(
                    require: "encrypted", algs: [.dir, .a256KW], encs: [.a256GCM, .a128CBCHS256], kids: ["jwe-secret-1"]))
        default: break
        }
        var text = """
            # jwtbench catalogue policy "\(rawValue)"
            issuer:
              allow_list:
                - value: "\(ClaimsTemplate.issuer)"
            audience:
              allow_list:
                - value: "\(ClaimsTemplate.audience)"
            http:
              tokens:
            \(token)
            jws:
              allowed_algorithms: [\(algorithms.map(\.rawValue).joined(separator: ", "))]

            """
        if !extensions.isEmpty {
            text += "jwtbench:\n" + extensions.joined(separator: "\n") + "\n"
        }
        return text
    }

    /// The parsed policy (the same text `yaml` writes, so files and in-process runs agree).
    public func policy() throws -> Policy {
        try Policy.parse(yaml)
    }
}
