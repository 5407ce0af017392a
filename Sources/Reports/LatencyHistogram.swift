import Histogram

/// The one histogram shape every latency in the harness is recorded in, so that series,
/// workers, shards and interval logs always merge.
public enum LatencyHistogram {
    /// 1 ns to 120 s at 3 significant digits: any latency a run can produce.
    public static func make() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000_000, numberOfSignificantValueDigits: .three)
    }
}
