import Histogram
import JWTValidation
import Reports

/// What one worker measured; merged by the driver once all workers have stopped.
struct LoadWorkerResult {
    /// Per 1-second interval since the run's start: latency from the intended start.
    var corrected: [Histogram<UInt64>]
    /// Per interval: latency from the actual start (hides stalls; kept for comparison).
    var uncorrected: [Histogram<UInt64>]
    var operations: UInt64 = 0
    var mismatches: UInt64 = 0
    var firstMismatches: [String] = []
    /// Indexed by `ReasonCode.tallyIndex`.
    var reasons: [UInt64]
    /// Indexed by the corpus algorithm list.
    var algorithms: [UInt64]
    var allocatedBytes: UInt64 = 0

    init(intervals: Int, algorithms: Int) {
        corrected = (0..<intervals).map { _ in LatencyHistogram.make() }
        uncorrected = corrected
        reasons = [UInt64](repeating: 0, count: ReasonCode.tallyNames.count)
        self.algorithms = [UInt64](repeating: 0, count: algorithms)
    }
}
