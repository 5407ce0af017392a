import JWTValidation
import Policy

/// The policy features some gateways cannot enforce. Each generator names the ones it does;
/// a policy using any other is refused rather than written weaker (`TargetConfigError`).
enum TargetFeature: CaseIterable {
    case bodyToken
    case severalTokens
    case headerOtherThanBearer
    case tokenType
    case algorithmList
    case leeway
    case requireExpiration
    case maxLifetime
    case maxTokenBytes
    case revocation
    case claimHeaders
    case encryption

    func isUsed(by r: TargetConfigRequest) -> Bool {
        let p = r.policy
        switch self {
        case .bodyToken: return p.tokens.contains { $0.method == .body }
        case .severalTokens: return p.tokens.count > 1
        case .headerOtherThanBearer:
            return p.tokens.contains { $0.method == .header && !($0.name.lowercased() == "authorization" && $0.prefix == "Bearer ") }
        case .tokenType: return p.tokens.contains { $0.type.requiredTyp != nil }
        case .algorithmList: return r.restrictsAlgorithms
        case .leeway: return p.leewaySeconds != 0
        case .requireExpiration: return p.requireExpiration
        case .maxLifetime: return p.maxLifetimeSeconds != nil
        case .maxTokenBytes: return p.maxTokenBytes != ValidationRules.defaultMaxTokenBytes
        case .revocation: return p.revocation != nil
        case .claimHeaders: return !p.claimHeaders.isEmpty
        case .encryption: return p.jwe != nil
        }
    }

    func describe(_ r: TargetConfigRequest) -> String {
        let p = r.policy
        switch self {
        case .bodyToken: return "tokens read from the request body (http.tokens[].method: body)"
        case .severalTokens: return "\(p.tokens.count) tokens required in one request (http.tokens)"
        case .headerOtherThanBearer:
            return "a token in \(p.tokens.map { "\($0.name) after \"\($0.prefix)\"" }.joined(separator: ", ")) (only Authorization: Bearer)"
        case .tokenType:
            return "a token type that requires typ (http.tokens[].type: \(p.tokens.map(\.type.rawValue).joined(separator: ", ")))"
        case .algorithmList:
            return "an algorithm allow list (jws.allowed_algorithms: \(p.allowedAlgorithms.map(\.rawValue).joined(separator: ", ")))"
        case .leeway: return "a clock-skew leeway (jwtbench.leeway: \(p.leewaySeconds))"
        case .requireExpiration: return "tokens without exp denied (jwtbench.require_expiration)"
        case .maxLifetime: return "a lifetime cap (jwtbench.max_lifetime: \(p.maxLifetimeSeconds ?? 0))"
        case .maxTokenBytes: return "a token size cap (jwtbench.max_token_bytes: \(p.maxTokenBytes))"
        case .revocation: return "a token denylist (jwtbench.revocation)"
        case .claimHeaders: return "claims forwarded as headers (jwtbench.claim_to_headers)"
        case .encryption: return "encrypted or nested tokens (jwtbench.jwe)"
        }
    }
}
