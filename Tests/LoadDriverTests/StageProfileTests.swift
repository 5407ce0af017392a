import Foundation
import JOSECrypto
@_spi(Profiling) import JWTValidation
import LoadDriver
import Testing
import TokenMint

/// `jwtbench profile`'s and `jwtbench speed`'s shares: stages that add up to a validation (or a
/// report that says they do not), and no share that is negative. Arithmetic on the engines'
/// output structures, not timings.
@Suite struct StageProfileTests {
    static let names = ["extraction", "base64url", "signature"]

    /// Shares the report prints: never negative; nil exactly for the stages flagged below noise.
    static func checkShares(_ profile: StageProfile, sourceLocation: SourceLocation = #_sourceLocation) {
        for stage in profile.stages {
            #expect(stage.nanoseconds >= 0, "\(stage)", sourceLocation: sourceLocation)
            if let share = profile.share(stage) {
                #expect(share >= 0 && !stage.belowNoise, "\(stage)", sourceLocation: sourceLocation)
            } else {
                #expect(stage.belowNoise, "\(stage)", sourceLocation: sourceLocation)
            }
        }
        if let outside = profile.outsideSignatureShare { #expect(outside >= 0, sourceLocation: sourceLocation) }
        let lines = profile.lines
        #expect(
            !lines.contains { $0.range(of: #"-[0-9.]+%"#, options: .regularExpression) != nil }, "\(lines)", sourceLocation: sourceLocation)
        let sumShare = profile.sumNanoseconds / profile.validationNanoseconds
        let sumLine = lines.first { $0.hasPrefix("sum of stages") }
        #expect(sumLine != nil, "\(lines)", sourceLocation: sourceLocation)
        // The sum is printed beside the whole; when it is off by more than the tolerance the
        // report says so.
        #expect(profile.addsUp == (abs(sumShare - 1) <= StageProfile.tolerance), sourceLocation: sourceLocation)
        if !profile.addsUp {
            #expect(lines.contains { $0.hasPrefix("note: the stages add up to") }, "\(lines)", sourceLocation: sourceLocation)
        }
    }

    @Test func prefixDifferencesAddUpToTheWholeValidation() {
        // Stages 40, 60, 900 ns; the last prefix is the whole validation.
        let rounds: [[Double]] = [[40, 100, 1000], [41, 101, 1003], [39, 99, 998]]
        let profile = StageProfile(
            names: Self.names, prefixRounds: rounds, validationRounds: [1002, 1004, 999], rawRounds: [880, 885, 882],
            allocations: nil)
        #expect(profile.stages.map(\.nanoseconds) == [40, 60, 900])
        #expect(profile.stages.allSatisfy { !$0.belowNoise })
        #expect(profile.addsUp)
        let shares = profile.stages.compactMap { profile.share($0) }
        #expect(abs(shares.reduce(0, +) - 1) <= StageProfile.tolerance, "\(shares)")
        #expect(profile.outsideSignatureShare != nil)
        Self.checkShares(profile)
    }

    @Test func aStageTheNoiseHidesIsFlaggedNotNegative() {
        // base64url's difference is -5, +2, -1 ns: below the rounds' disagreement.
        let rounds: [[Double]] = [[100, 95, 1000], [98, 100, 1010], [101, 100, 990]]
        let profile = StageProfile(
            names: Self.names, prefixRounds: rounds, validationRounds: [1000, 1008, 995], rawRounds: [1010, 1000, 1001],
            allocations: nil)
        let base64 = profile.stages[1]
        #expect(base64.belowNoise && base64.nanoseconds == 0 && profile.share(base64) == nil, "\(base64)")
        #expect(profile.lines.contains { $0.hasPrefix("base64url") && $0.contains("below noise") }, "\(profile.lines)")
        // Validation measured no slower than the raw verify: no negative "outside" share.
        #expect(profile.outsideSignatureShare == nil)
        #expect(profile.lines.contains { $0.hasPrefix("outside the signature check: below noise") }, "\(profile.lines)")
        Self.checkShares(profile)
    }

    @Test func stagesThatDoNotAddUpAreSaidNotToInTheReport() {
        // Steady rounds, but the whole validation measured 30% below the stages.
        let rounds: [[Double]] = [[400, 500, 1300], [401, 501, 1301], [399, 499, 1299]]
        let profile = StageProfile(
            names: Self.names, prefixRounds: rounds, validationRounds: [1000, 1001, 999], rawRounds: [700, 701, 699],
            allocations: nil)
        #expect(!profile.addsUp)
        #expect(profile.lines.contains { $0.hasPrefix("note: the stages add up to 130.0%") }, "\(profile.lines)")
        Self.checkShares(profile)
    }

    /// The real profiler: its stages come from prefixes of the same rounds, so they add up to
    /// the whole validation or the report says they do not; no share is negative.
    @Test func theProfilerReportsStagesThatAddUpOrSaysWhy() throws {
        let profiler = try StageProfiler(
            algorithm: .hs256, size: .typical, backend: OpenSSLBackend(), keySet: try TestKeySet.loadDefault())
        let profile = try profiler.profile(rounds: 3) { _ in }
        #expect(profile.stages.map(\.name) == ValidationStageProbe.stages)
        Self.checkShares(profile)
    }

    @Test func speedsOutsideShareIsNeverNegative() {
        // A short cell: validate measured faster than the bare check in every round.
        let faster = SpeedEngine.outsideShare(validateRates: [1_200, 1_150, 1_230], rawRates: [1_000, 1_010, 990])
        #expect(faster.belowNoise && faster.reported == nil)
        #expect(
            faster.text.hasPrefix("below noise") && faster.text.range(of: #"-[0-9]"#, options: .regularExpression) == nil, "\(faster.text)")
        // Rounds that disagree more than the share.
        let noisy = SpeedEngine.outsideShare(validateRates: [900, 1_000, 1_100], rawRates: [1_000, 1_000, 1_000])
        #expect(noisy.reported == nil && noisy.text.hasPrefix("below noise"), "\(noisy)")
        // A clear share.
        let clear = SpeedEngine.outsideShare(validateRates: [800, 801, 799], rawRates: [1_000, 1_000, 1_000])
        #expect(clear.reported.map { abs($0 - 0.2) < 0.002 } == true, "\(clear)")
        #expect(clear.text == "20.0%")
    }
}
