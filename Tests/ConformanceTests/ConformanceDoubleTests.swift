import Conformance
import Foundation
import Reports
import Testing

/// Deliberately broken validators must make the run fail and be named in the JUnit file: the
/// runner cannot pass silently.
@Suite("Conformance: broken validators fail the run")
struct ConformanceDoubleTests {
    @Test("allow-all: every case that expects a deny fails, and JUnit names exactly those")
    func allowAll() throws {
        let catalog = try ConformanceFixtures.everything.get()
        let list = try ConformanceFixtures.committedList()
        let run = ConformanceRunner(engine: ConformanceAllowAllDouble(), expectedFailures: list).run(catalog.cases)
        #expect(!run.succeeded)

        // A case fails when it must be denied and is not listed; a listed case that should be
        // allowed now passes, which is an unexpected pass.
        var mustFail = Set<String>()
        for c in catalog.cases where !c.isSkipped {
            let listed = list.entry(for: c.id) != nil
            switch c.expectation {
            case .deny: if !listed { mustFail.insert(c.id) }
            case .allow, .acceptable: if listed { mustFail.insert(c.id) }
            }
        }
        #expect(mustFail.count > 100)
        let junit = try JUnitDocument.parse(JUnitWriter.render(run.results))
        #expect(junit.failedNames == mustFail)
        #expect(junit.rootFailures == mustFail.count)
        // Some well-known attacks are among the named cases.
        #expect(junit.failedNames.contains("jwtbench/alg-none-lower/RS256/small"))
        #expect(junit.failedNames.contains("jwtbench/hs256-with-rsa-public-key/RS256/small"))
        #expect(junit.failedNames.contains { $0.hasPrefix("jwtbench/expired/") })
        if ConformanceFixtures.externalAvailable {
            #expect(junit.failedNames.contains("rfc7515/A.5"))
            #expect(junit.failedNames.contains { $0.hasPrefix("wycheproof-jws/") })
            #expect(junit.failedNames.contains { $0.hasPrefix("wycheproof-primitives/") })
        }
    }

    @Test("ignore-exp: exactly the cases that need the expiry check fail, and JUnit names them")
    func ignoreExp() throws {
        let catalog = try ConformanceFixtures.everything.get()
        let run = ConformanceRunner(engine: ConformanceIgnoreExpDouble(), expectedFailures: try ConformanceFixtures.committedList())
            .run(catalog.cases)
        #expect(!run.succeeded)
        let needsExp = Set(catalog.cases.filter { $0.expectation == .deny(.expired) }.map(\.id))
        #expect(needsExp.count >= 20)
        let junit = try JUnitDocument.parse(JUnitWriter.render(run.results))
        #expect(junit.failedNames == needsExp)
        // The expired tokens are otherwise good: the double allows them.
        for r in run.results where needsExp.contains(r.id) {
            #expect(r.actual == "allow", "\(r.id): \(r.actual) \(r.detail ?? "")")
        }
        if ConformanceFixtures.externalAvailable {
            #expect(needsExp.isSuperset(of: ["rfc7515/A.1-expired", "rfc7515/A.2-expired", "rfc7515/A.3-expired"]))
        }
    }

    @Test("the ignore-exp double reads exp from the payload")
    func expiryReading() {
        // {"exp":1300819380} and a payload without exp.
        let withExp = "eyJhbGciOiJIUzI1NiJ9." + "eyJleHAiOjEzMDA4MTkzODB9" + ".c2ln"
        let withoutExp = "eyJhbGciOiJIUzI1NiJ9." + "eyJpc3MiOiJqb2UifQ" + ".c2ln"
        #expect(ConformanceIgnoreExpDouble.expiry(of: withExp) == 1_300_819_380)
        #expect(ConformanceIgnoreExpDouble.expiry(of: withoutExp) == nil)
        #expect(ConformanceIgnoreExpDouble.expiry(of: "not a token") == nil)
    }
}
