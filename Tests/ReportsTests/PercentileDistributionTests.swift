import Histogram
import Testing

@testable import Reports

@Suite struct PercentileDistributionTests {
    /// 90 values of 1 µs and 10 of 2 µs, in a 1 ns..1 h histogram with 3 digits.
    func known() -> Histogram<UInt64> {
        var h = Histogram<UInt64>(highestTrackableValue: 3_600_000_000_000, numberOfSignificantValueDigits: .three)
        h.record(1000, count: 90)
        h.record(2000, count: 10)
        return h
    }

    @Test func rowsAndFooterMatchHandComputedValues() {
        let lines = PercentileDistribution.text(of: known()).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "       Value     Percentile TotalCount 1/(1-Percentile)")
        #expect(lines[1] == "")
        // Ticks: 0, 10 .. 50 by 10, then 5 per half distance: 55 .. 75 by 5, 77.5 .. 87.5 by 2.5,
        // 88.75, 90 (all at 1 µs: 90% of the values), then 91.25 reaches 2 µs, then 100%.
        #expect(lines[2] == "       1.000 0.000000000000         90           1.00")
        #expect(lines[3] == "       1.000 0.100000000000         90           1.11")
        #expect(lines[7] == "       1.000 0.500000000000         90           2.00")
        #expect(lines[12] == "       1.000 0.750000000000         90           4.00")
        #expect(lines[19] == "       1.000 0.900000000000         90          10.00")
        #expect(lines[20] == "       2.000 0.912500000000        100          11.43")
        #expect(lines[21] == "       2.000 1.000000000000        100")
        // Mean 1.1 µs; std deviation sqrt((90 * 0.1^2 + 10 * 0.9^2) / 100) = 0.3 µs.
        #expect(lines[22] == "#[Mean    =        1.100, StdDeviation   =        0.300]")
        #expect(lines[23] == "#[Max     =        2.000, Total count    =          100]")
        // 2048 sub-buckets cover 0..2047; doubling 31 times reaches past 3.6e12: 32 buckets.
        #expect(lines[24] == "#[Buckets =           32, SubBuckets     =         2048]")
        #expect(lines[25] == "")
        #expect(lines.count == 26)
    }

    @Test func sameTextAsTheLibraryWhereTheLibraryIsRight() {
        var auto = Histogram<UInt64>()
        for v in Samples.latencies(seed: 3, count: 20_000) { auto.record(v) }
        for h in [
            known(), Samples.histogram(Samples.latencies(seed: 5, count: 10_000)), auto,
            Samples.histogram([42], digits: .two), Histogram<UInt64>(highestTrackableValue: 1000),
        ] {
            var library = ""
            h.outputPercentileDistribution(to: &library, outputValueUnitScalingRatio: 1000)
            #expect(PercentileDistribution.text(of: h) == library)
        }
    }

    @Test func countsBeyond32BitsPrintCorrectly() {
        var h = Histogram<UInt64>(highestTrackableValue: 3_600_000_000_000, numberOfSignificantValueDigits: .three)
        h.record(1000, count: 3_000_000_000)
        let text = PercentileDistribution.text(of: h)
        #expect(text.contains("       1.000 0.000000000000 3000000000           1.00\n"))
        #expect(text.contains("#[Max     =        1.000, Total count    =   3000000000]"))
    }
}
