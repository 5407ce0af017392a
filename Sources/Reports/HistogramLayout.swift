import Foundation
import Histogram

/// The bucket layout of an HdrHistogram: how a counts-array index maps to a value and back.
///
/// hdrhistogram-swift keeps its counts array internal, but the V2 wire format is that array
/// (index by index), so the encoder and decoder recompute the same layout from the two numbers
/// that determine it. The formulas are the ones HdrHistogram (Java, C and hdrhistogram-swift)
/// use, including the floating-point `log2` steps, so indices agree bit for bit; a test checks
/// this against the library's public `lowestEquivalentForValue`.
struct HistogramLayout: Equatable, Sendable {
    let lowestDiscernibleValue: UInt64
    let significantDigits: Int
    let unitMagnitude: Int
    let subBucketHalfCountMagnitude: Int
    let subBucketCountMagnitude: Int
    let subBucketMask: UInt64
    let leadingZeroCountBase: Int

    /// Nil when the combination cannot describe a histogram (the library would trap on it).
    init?(lowestDiscernibleValue: UInt64, significantDigits: Int) {
        guard (0...5).contains(significantDigits), lowestDiscernibleValue >= 1,
            lowestDiscernibleValue <= UInt64.max / 2
        else { return nil }
        let largestValueWithSingleUnitResolution = 2 * pow(10.0, Double(significantDigits))
        let unitMagnitude = Int(log2(Double(lowestDiscernibleValue)))
        let subBucketCountMagnitude = Int(log2(largestValueWithSingleUnitResolution).rounded(.up))
        let half = max(subBucketCountMagnitude, 1) - 1
        guard unitMagnitude + half <= 61 else { return nil }
        self.lowestDiscernibleValue = lowestDiscernibleValue
        self.significantDigits = significantDigits
        self.unitMagnitude = unitMagnitude
        self.subBucketCountMagnitude = subBucketCountMagnitude
        self.subBucketHalfCountMagnitude = half
        self.subBucketMask = UInt64((1 << subBucketCountMagnitude) - 1) << UInt64(unitMagnitude)
        self.leadingZeroCountBase = 64 - unitMagnitude - subBucketCountMagnitude
    }

    init?(of histogram: Histogram<UInt64>) {
        self.init(
            lowestDiscernibleValue: histogram.lowestDiscernibleValue,
            significantDigits: Int(histogram.numberOfSignificantValueDigits.rawValue))
    }

    var subBucketHalfCount: Int { 1 << subBucketHalfCountMagnitude }

    /// The counts-array index that records `value`.
    func index(for value: UInt64) -> Int {
        let bucketIndex = leadingZeroCountBase - (value | subBucketMask).leadingZeroBitCount
        let subBucketIndex = Int(value >> UInt64(bucketIndex + unitMagnitude))
        return ((bucketIndex + 1) << subBucketHalfCountMagnitude) + subBucketIndex - subBucketHalfCount
    }

    /// One past the largest index a `UInt64` value can reach: a decoder refuses anything beyond,
    /// so a corrupt zero run cannot make it allocate without bound.
    var indexLimit: Int { index(for: UInt64.max) + 1 }

    /// The lowest value recorded at `index`.
    func lowestValue(at index: Int) -> UInt64 {
        var bucketIndex = (index >> subBucketHalfCountMagnitude) - 1
        var subBucketIndex = (index & (subBucketHalfCount - 1)) + subBucketHalfCount
        if bucketIndex < 0 {
            subBucketIndex -= subBucketHalfCount
            bucketIndex = 0
        }
        return UInt64(subBucketIndex) << UInt64(bucketIndex + unitMagnitude)
    }

    /// The highest value recorded at `index` (what HdrHistogram reports for that bucket).
    func highestValue(at index: Int) -> UInt64 {
        let bucketIndex = max((index >> subBucketHalfCountMagnitude) - 1, 0)
        // Bucket 0's lower half shares bucket 0's unit; every other slot is 2^(bucket+unit) wide.
        let width = UInt64(1) << UInt64(bucketIndex + unitMagnitude)
        return lowestValue(at: index) &+ (width - 1)
    }
}
