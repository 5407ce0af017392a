import Foundation
import JWTValidation
import Measurement
import Synchronization

/// `--inject-stall 200ms@3s`: one operation, the first to start `afterSeconds` into the
/// measurement, takes `seconds` longer, as a GC pause or a page fault storm would. In an open
/// loop the requests meant to start during the stall wait behind it: their corrected latency
/// (from the intended start) shows the stall, the uncorrected one hides it. A real run's
/// report shows what coordinated-omission correction is for.
public struct PlantedStall: Sendable, Equatable {
    public var seconds: Double
    public var afterSeconds: Double

    public init(seconds: Double, afterSeconds: Double) {
        self.seconds = seconds
        self.afterSeconds = afterSeconds
    }

    /// `DURATION@AFTER`, e.g. `200ms@3s`.
    /// - Throws: `HarnessError.usage` naming the text when it is not one.
    public init(parsing spec: String) throws(HarnessError) {
        guard let (hold, after) = DurationParser.holdAfter(spec) else {
            throw HarnessError.usage("--inject-stall: \"\(spec)\" is not DURATION@AFTER with a DURATION above zero (e.g. 200ms@3s)")
        }
        self.init(seconds: Self.seconds(hold), afterSeconds: Self.seconds(after))
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

    /// "200ms@3s", for the report.
    public var description: String {
        "\(Int((seconds * 1000).rounded()))ms@\(afterSeconds)s"
    }
}

/// A target that stalls once, in the first `decide` at or after `start`, then passes every
/// call through. Only the one worker that wins the flag stalls.
final class StallingTarget: LoadTarget {
    let base: any LoadTarget
    let stall: PlantedStall
    /// Monotonic nanoseconds from which the next call stalls; `UInt64.max` until armed.
    let start = Atomic<UInt64>(.max)
    let fired = Atomic<Bool>(false)

    init(_ base: any LoadTarget, stall: PlantedStall) {
        self.base = base
        self.stall = stall
    }

    /// Sets the moment, once the measurement's start is known.
    func arm(measureStart: UInt64) {
        start.store(measureStart &+ UInt64(stall.afterSeconds * 1e9), ordering: .relaxed)
    }

    func decide(_ index: Int) -> ReasonCode? {
        if !fired.load(ordering: .relaxed), MonotonicClock.now() >= start.load(ordering: .relaxed),
            fired.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged
        {
            Thread.sleep(forTimeInterval: stall.seconds)
        }
        return base.decide(index)
    }
}
