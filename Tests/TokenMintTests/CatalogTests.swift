import Foundation
import JOSECrypto
import JWTValidation
import Testing
import TokenMint

/// Every variant of the catalogue, for every algorithm it applies to and every size, validated
/// by the core, must get exactly its expected decision and reason.
@Suite struct CatalogTests {
    static let keySet = try! TestKeySet.loadDefault()
    static let now: Int64 = 1_767_225_600  // 2026-01-01T00:00:00Z

    @Test func catalogueHasAtLeastFortyVariantsWithUniqueIDs() {
        #expect(VariantCatalog.all.count >= 40)
        #expect(Set(VariantCatalog.all.map(\.id)).count == VariantCatalog.all.count)
        for v in VariantCatalog.all {
            #expect(!v.summary.isEmpty && !v.defect.isEmpty, "\(v.id)")
            #expect(v.isGood == (v.defect == "none"), "\(v.id): good variants plant no defect, bad ones exactly one")
        }
    }

    @Test func everyVariantGetsItsExpectedDecision() throws {
        let plan = MintPlan(
            algorithms: JWSAlgorithm.allCases, variants: VariantCatalog.all, sizes: SizeClass.allCases, seed: 7, now: Self.now)
        let cases = try Minter(keySet: Self.keySet).mint(plan, threads: 2)
        #expect(cases.count == plan.combinations.count)
        #expect(cases.count > 1500)
        let validators = try CatalogValidators(keySet: Self.keySet, revoking: cases)
        var wrong: [String] = []
        for c in cases {
            let d = validators.decide(c, now: Self.now)
            if !c.expectation.isMet(by: d.reason, allowed: d.allowed) {
                wrong.append("\(c.id): expected \(c.expectation), got \(d.allowed ? "allow" : d.reason!.rawValue) (\(d.detail ?? ""))")
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) wrong:\n\(wrong.prefix(30).joined(separator: "\n"))")
    }

    @Test func everyReasonCodeIsPlantedBySomeVariant() {
        let planted = Set(
            VariantCatalog.all.compactMap { v -> ReasonCode? in
                if case .deny(let r) = v.expectation { return r }
                return nil
            })
        #expect(planted == Set(ReasonCode.allCases), "missing: \(Set(ReasonCode.allCases).subtracting(planted))")
    }

    @Test func sizesHitTheirTargets() throws {
        var rng = MintRandom(seed: 1)
        let small = ClaimsTemplate.make(.small, now: Self.now, rng: &rng).json.utf8.count
        let typical = ClaimsTemplate.make(.typical, now: Self.now, rng: &rng).json.utf8.count
        let large = ClaimsTemplate.make(.large, now: Self.now, rng: &rng).json.utf8.count
        #expect((120...200).contains(small), "small is \(small) B")
        #expect((500...700).contains(typical), "typical is \(typical) B")
        #expect((3500...4700).contains(large), "large is \(large) B")
    }

    @Test func sameSeedGivesIdenticalTokensForDeterministicAlgorithms() throws {
        let deterministic: [JWSAlgorithm] = [.rs256, .rs512, .edDSA, .hs256, .hs512]
        let plan = MintPlan(
            algorithms: deterministic, variants: try MintPlan.variants("good-plain,good-no-kid,expired,sig-bitflip"),
            sizes: [.typical], count: 60, seed: 99, now: Self.now)
        let a = try Minter(keySet: Self.keySet).mint(plan, threads: 2).compactMap(\.input.token)
        let b = try Minter(keySet: Self.keySet).mint(plan, threads: 1).compactMap(\.input.token)
        #expect(a.count == 60)
        #expect(a == b)
        let other = try Minter(keySet: Self.keySet).mint(
            MintPlan(
                algorithms: deterministic, variants: plan.variants,
                sizes: [.typical], count: 60, seed: 100, now: Self.now), threads: 2)
        #expect(other.compactMap(\.input.token) != a)
    }

    @Test func ecdsaAndPSSTokensAlsoRegenerateByteForByte() throws {
        let plan = MintPlan(
            algorithms: [.es256, .ps256], variants: try MintPlan.variants("good-plain,expired"), sizes: [.small], count: 8, seed: 5,
            now: Self.now)
        let a = try Minter(keySet: Self.keySet).mint(plan).compactMap(\.input.token)
        let b = try Minter(keySet: Self.keySet).mint(plan).compactMap(\.input.token)
        #expect(a.count == 8)
        // OpenSSL randomises ECDSA and PSS; the mint derives that randomness from the seed.
        #expect(a == b)
    }

    @Test func unknownVariantOrAlgorithmIsAClearError() {
        #expect(throws: MintError.self) { try MintPlan.variants("good,nope") }
        #expect(throws: MintError.self) { try MintPlan.algorithms("RS256,XX999") }
    }
}
