import Foundation
import JOSECrypto
import Synchronization
import Testing

@testable import JWTValidation

/// Validation with cached keys is shared by all threads without locks: many threads validate
/// one mixed token set at once and every decision must still be exactly right.
@Suite struct ConcurrentValidationTests {
    @Test func manyThreadsGetEveryDecisionRight() {
        typealias F = Fixtures
        let cases: [(String, ReasonCode?)] = [
            (F.token(.rs256), nil), (F.token(.es256), nil), (F.token(.hs256), nil), (F.token(.edDSA), nil),
            (F.token(.ps256), nil), (F.token(key: F.rsaOther), .signatureInvalid),
            (F.token(payload: F.claims(exp: "\(F.now - 5)")), .expired), (F.token(kid: "zzz"), .keyNotFound),
        ]
        let validator = F.validator()
        let threads = 8
        let rounds = 40
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            var wrong = 0
            for r in 0..<rounds {
                let (token, expected) = cases[(t + r) % cases.count]
                if validator.validate(token: token, now: F.now).reason != expected { wrong += 1 }
            }
            failures.withLock { $0 += wrong }
        }
        #expect(failures.withLock { $0 } == 0)
    }
}
