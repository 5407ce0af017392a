import Foundation
import Histogram

/// The `.hgrm` percentile distribution text, exactly as HdrHistogram's
/// `outputPercentileDistribution` prints it: the header, one row per percentile tick
/// (`Value Percentile TotalCount 1/(1-Percentile)`) and the `#[Mean ...]`, `#[Max ...]`,
/// `#[Buckets ...]` footer, which HdrHistogram's plotters read.
///
/// hdrhistogram-swift 0.2.0 has `outputPercentileDistribution`, but it formats counts with C's
/// `%d`, so any count from 2^31 on prints negative (3e9 samples show as -1294967296). This
/// renders the same text with 64-bit counts, walking the library's own percentile iterator
/// and statistics; a test checks it is byte-identical to the library's output where that is
/// right.
public enum PercentileDistribution {
    /// Values are recorded in nanoseconds and printed in microseconds.
    public static let microsecondScalingRatio = 1000.0
    /// Java's default number of reporting ticks per halving of the distance to 100%.
    public static let defaultTicksPerHalfDistance = 5

    /// The `.hgrm` text of a histogram.
    public static func text(
        of histogram: Histogram<UInt64>,
        outputValueUnitScalingRatio: Double = microsecondScalingRatio,
        ticksPerHalfDistance: Int = defaultTicksPerHalfDistance
    ) -> String {
        let digits = Int(histogram.numberOfSignificantValueDigits.rawValue)
        var text = "       Value     Percentile TotalCount 1/(1-Percentile)\n\n"
        for step in histogram.percentiles(ticksPerHalfDistance: ticksPerHalfDistance) {
            let value = Double(step.value) / outputValueUnitScalingRatio
            let fraction = step.percentileLevelIteratedTo / 100.0
            if step.percentileLevelIteratedTo != 100.0 {
                text += String(
                    format: "%12.\(digits)f %2.12f %10llu %14.2f\n", value, fraction,
                    step.totalCountToThisValue, 1.0 / (1.0 - fraction))
            } else {
                // The last row is at 100%, where 1/(1-Percentile) is infinite: Java omits it.
                text += String(format: "%12.\(digits)f %2.12f %10llu\n", value, fraction, step.totalCountToThisValue)
            }
        }
        // Mean and standard deviation are often meaningless for latency (multi-modal), but
        // HdrHistogram prints them to contrast with the distribution, and tools expect them.
        text += String(
            format: "#[Mean    = %12.\(digits)f, StdDeviation   = %12.\(digits)f]\n",
            histogram.mean / outputValueUnitScalingRatio,
            histogram.stdDeviation / outputValueUnitScalingRatio)
        text += String(
            format: "#[Max     = %12.\(digits)f, Total count    = %12llu]\n",
            Double(histogram.max) / outputValueUnitScalingRatio, histogram.totalCount)
        let (buckets, subBuckets) = bucketCounts(of: histogram)
        text += String(format: "#[Buckets = %12ld, SubBuckets     = %12ld]\n", buckets, subBuckets)
        return text
    }

    /// The histogram's bucket and sub-bucket counts (internal to the library): buckets are
    /// what covers `highestTrackableValue`, which the library keeps in step when it resizes.
    static func bucketCounts(of histogram: Histogram<UInt64>) -> (buckets: Int, subBuckets: Int) {
        guard let layout = HistogramLayout(of: histogram) else { return (0, 0) }
        let subBuckets = 1 << layout.subBucketCountMagnitude
        var smallestUntrackable = UInt64(subBuckets) << UInt64(layout.unitMagnitude)
        var buckets = 1
        while smallestUntrackable <= histogram.highestTrackableValue {
            if smallestUntrackable > UInt64.max / 2 { return (buckets + 1, subBuckets) }
            smallestUntrackable <<= 1
            buckets += 1
        }
        return (buckets, subBuckets)
    }
}
