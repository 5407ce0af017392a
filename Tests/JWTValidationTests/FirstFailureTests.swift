import JOSECrypto
import Testing

@testable import JWTValidation

private typealias F = Fixtures

/// The check order is a contract (docs/ARCHITECTURE.md, Check order): with two defects, the
/// earlier check's reason wins, whatever the later one is. Each case pairs a defect with one
/// that a later check would report alone, so a reordering of the pipeline fails here.
@Suite("first failure wins")
struct FirstFailureTests {
    /// A token re-signed after its signature segment is replaced: a bad signature.
    private static func badSignature(_ token: String) -> String {
        let parts = token.split(separator: ".")
        let other = F.token(payload: F.claims(extra: "\"jti\":\"other\"")).split(separator: ".")[2]
        return "\(parts[0]).\(parts[1]).\(other)"
    }

    @Test("each defect alone gives its own reason (so the pairs below test the order)")
    func singleDefects() {
        #expect(F.reason(Self.badSignature(F.token())) == .signatureInvalid)
        #expect(F.reason(F.token(payload: F.claims(exp: "\(F.now - 5)"))) == .expired)
        #expect(F.reason(F.token(kid: "unknown")) == .keyNotFound)
        #expect(F.reason(F.token(payload: F.claims(aud: "\"https://other.example\""))) == .audienceNotAllowed)
        #expect(F.reason(F.token(payload: F.claims(iss: "https://evil.example/"))) == .issuerNotAllowed)
    }

    @Test("size before structure; structure before header; header before claims")
    func structuralOrder() {
        let small = F.validator(
            ValidationRules(
                issuers: [F.issuer], audiences: [F.audience], allowedAlgorithms: F.allAlgorithms,
                maxTokenBytes: 64))
        // Too large and four segments: the size cap comes first.
        #expect(F.reason("a.b.c.d" + String(repeating: "x", count: 80), small) == .tokenTooLarge)
        // Four segments and an alg that is not allowed: segments first.
        #expect(F.reason(F.token() + ".x") == .tokenMalformed)
        // alg none and expired: the header check comes before claims.
        let none =
            Base64URL.encode(Array(#"{"alg":"none"}"#.utf8)) + "." + Base64URL.encode(Array(F.claims(exp: "\(F.now - 5)").utf8)) + ".c2ln"
        #expect(F.reason(none) == .algorithmNotAllowed)
        // An allowed alg but a crit header, and an unknown issuer: crit first.
        let crit = F.token(
            header: F.header("RS256", kid: "rsa-1", extra: #""crit":["exp"],"exp":1"#),
            payload: F.claims(iss: "https://evil.example/"))
        #expect(F.reason(crit) == .critUnsupported)
    }

    @Test("claims in order: issuer, then time, then audience; all before the key and the signature")
    func claimOrder() {
        // Unknown issuer and expired: issuer first.
        #expect(F.reason(F.token(payload: F.claims(iss: "https://evil.example/", exp: "\(F.now - 5)"))) == .issuerNotAllowed)
        // Expired and a foreign audience: time first.
        #expect(F.reason(F.token(payload: F.claims(aud: "\"https://other.example\"", exp: "\(F.now - 5)"))) == .expired)
        // Foreign audience and an unknown kid: audience first (claims before the key lookup).
        #expect(F.reason(F.token(kid: "unknown", payload: F.claims(aud: "\"https://other.example\""))) == .audienceNotAllowed)
        // Expired and a bad signature: the cheap claim check wins over the signature.
        #expect(F.reason(Self.badSignature(F.token(payload: F.claims(exp: "\(F.now - 5)")))) == .expired)
        // Unknown kid and a bad signature: the lookup fails before any signature work.
        #expect(F.reason(Self.badSignature(F.token(kid: "unknown"))) == .keyNotFound)
    }
}
