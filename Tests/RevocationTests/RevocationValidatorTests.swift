import Foundation
import JOSECrypto
import JWTValidation
import KeySources
import Revocation
import Testing

/// The `revoked` step: after the signature and the claims, on cache hits too.
@Suite struct RevocationValidatorTests {
    static let now = RevocationFixture.now

    static func list(_ text: String) -> RevocationList { RevocationList(try! DenylistParser.denylist(text)) }

    @Test func aGoodTokenOnTheListIsRevoked() {
        let token = RevocationFixture.token(jti: "jti-revoked")
        let validator = RevocationFixture.validator(Self.list("jti-revoked"))
        let decision = validator.validate(token: token, now: Self.now)
        #expect(decision.reason == .revoked)
        #expect(decision.reason?.httpStatus == 401)
        #expect(RevocationFixture.validator(Self.list("jti-other")).validate(token: token, now: Self.now).isAllowed)
        #expect(RevocationFixture.validator(nil).validate(token: token, now: Self.now).isAllowed)
    }

    @Test func aTokenWithoutJTIIsRevokedByItsHash() {
        let token = RevocationFixture.token(jti: nil)
        let listed = RevocationFixture.validator(Self.list(RevocationFixture.sha256Line(token)))
        #expect(listed.validate(token: token, now: Self.now).reason == .revoked)
        // Another token (another exp) is not.
        #expect(listed.validate(token: RevocationFixture.token(jti: nil, exp: Self.now + 601), now: Self.now).isAllowed)
    }

    @Test func anEscapedJTIMatchesItsValue() {
        let signer = try! OpenSSLBackend().makeSigner(key: RevocationFixture.key, algorithm: .hs256)
        let payload = "{\"iss\":\"\(RevocationFixture.issuer)\",\"exp\":\(Self.now + 600),\"jti\":\"a\\/b\\u0063\"}"
        let token = try! CompactJWS.sign(header: "{\"alg\":\"HS256\"}", payload: payload, with: signer)
        #expect(RevocationFixture.validator(Self.list("a/bc")).validate(token: token, now: Self.now).reason == .revoked)
    }

    @Test func aForgedTokenWithARevokedJTIIsASignatureFailure() {
        let forged = RevocationFixture.token(jti: "jti-revoked", signedWith: RevocationFixture.other)
        let validator = RevocationFixture.validator(Self.list("jti-revoked"))
        #expect(validator.validate(token: forged, now: Self.now).reason == .signatureInvalid)
    }

    @Test func claimFailuresComeFirst() {
        let expired = RevocationFixture.token(jti: "jti-revoked", exp: Self.now - 5)
        #expect(RevocationFixture.validator(Self.list("jti-revoked")).validate(token: expired, now: Self.now).reason == .expired)
    }

    @Test func aCachedTokenIsDeniedOnceTheListRevokesIt() {
        let token = RevocationFixture.token(jti: "jti-later")
        let list = RevocationList(try! DenylistParser.denylist("jti-earlier"))
        let cached = CachingValidator(validator: RevocationFixture.validator(list), cache: VerifiedTokenCache())
        #expect(cached.validate(token: token, now: Self.now).isAllowed)
        #expect(cached.validate(token: token, now: Self.now).isAllowed)
        #expect(cached.cache.statistics.hits == 1)
        list.publish(try! DenylistParser.denylist("jti-earlier\njti-later"))
        #expect(cached.validate(token: token, now: Self.now).reason == .revoked)
        #expect(cached.validate(token: token, now: Self.now).reason == .revoked)
        // Denials are never cached, so un-revoking allows it again.
        list.publish(try! DenylistParser.denylist("jti-earlier"))
        #expect(cached.validate(token: token, now: Self.now).isAllowed)
    }

    @Test func aRequestWithARevokedTokenIsDenied() {
        let token = RevocationFixture.token(jti: "jti-revoked")
        let validator = Validator(
            rules: ValidationRules(issuers: [RevocationFixture.issuer], allowedAlgorithms: [.hs256]),
            keys: StaticKeyProvider(keys: [RevocationFixture.key], algorithms: [.hs256]), locations: [.authorizationBearer],
            revocation: Self.list("jti-revoked"))
        let request = HTTPRequest(method: "GET", headers: [HTTPHeader("Authorization", "Bearer " + token)])
        #expect(validator.validate(request: request, now: Self.now).reason == .revoked)
    }

    @Test func lookupsRunConcurrentlyWithSwaps() async {
        let token = RevocationFixture.token(jti: "jti-flip")
        let list = RevocationList(try! DenylistParser.denylist("jti-flip"))
        let validator = RevocationFixture.validator(list)
        let on = try! DenylistParser.denylist("jti-flip")
        let off = try! DenylistParser.denylist("jti-other")
        await withTaskGroup(of: Int.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    var decided = 0
                    for _ in 0..<2000 {
                        let reason = validator.validate(token: token, now: RevocationFixture.now).reason
                        #expect(reason == nil || reason == .revoked)
                        decided += 1
                    }
                    return decided
                }
            }
            group.addTask {
                for i in 0..<200 { list.publish(i % 2 == 0 ? off : on) }
                return 0
            }
            var total = 0
            for await n in group { total += n }
            #expect(total == 4000)
        }
    }
}
