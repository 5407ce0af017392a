import Measurement
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A point on a monotonic clock, in nanoseconds from the clock's own origin.
///
/// A plain integer rather than `ContinuousClock.Instant`, so a test clock can stand anywhere
/// and the unknown-kid gate can keep it in an atomic.
public struct MonotonicInstant: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Nanoseconds since the clock's origin.
    public var nanoseconds: Int64

    /// The instant `nanoseconds` after the clock's origin.
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// The clock's origin.
    public static let zero = MonotonicInstant(nanoseconds: 0)
    /// Later than any real instant: "never".
    public static let distantFuture = MonotonicInstant(nanoseconds: .max)

    /// Earlier than.
    public static func < (a: MonotonicInstant, b: MonotonicInstant) -> Bool { a.nanoseconds < b.nanoseconds }

    /// Saturates instead of trapping, so `distantFuture + d` stays `distantFuture`.
    public static func + (a: MonotonicInstant, d: Duration) -> MonotonicInstant {
        let (sum, overflow) = a.nanoseconds.addingReportingOverflow(d.nanoseconds)
        return MonotonicInstant(nanoseconds: overflow ? (d.nanoseconds > 0 ? .max : .min) : sum)
    }

    /// The instant `d` before `a` (saturating).
    public static func - (a: MonotonicInstant, d: Duration) -> MonotonicInstant { a + .nanoseconds(-d.nanoseconds) }

    /// The time from `b` to `a`.
    public static func - (a: MonotonicInstant, b: MonotonicInstant) -> Duration {
        .nanoseconds(a.nanoseconds &- b.nanoseconds)
    }

    /// `t+12.5 s`: time since the clock's origin.
    public var description: String { "t+\(Duration.nanoseconds(nanoseconds).secondsText)" }
}

extension Duration {
    /// Whole nanoseconds, saturating at `Int64`'s range (durations here are seconds to days).
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow2 ? (seconds < 0 ? .min : .max) : sum
    }

    /// `1.5 s`, `250 ms`: for log lines and error messages.
    public var secondsText: String {
        let ns = nanoseconds
        if ns != 0 && abs(ns) < 1_000_000_000 { return "\(ns / 1_000_000) ms" }
        let tenths = ns / 100_000_000
        return tenths % 10 == 0 ? "\(tenths / 10) s" : "\(tenths / 10).\(abs(tenths % 10)) s"
    }
}

/// Where the key cache gets its time from. Injected everywhere, so that tests decide what
/// "now" is and nothing waits on real time to test expiry, cooldowns or staleness.
public protocol KeyCacheClock: Sendable {
    /// Monotonic time, for TTLs, cooldowns and waiting.
    func now() -> MonotonicInstant
    /// Wall-clock seconds since the epoch, stamped on key snapshots (`KeySnapshot.loadedAt`).
    func wallSeconds() -> Int64
}

/// CLOCK_MONOTONIC (the harness's latency clock, so instants compare with its timestamps) and
/// the system's wall clock.
public struct SystemKeyCacheClock: KeyCacheClock {
    /// The system clock.
    public init() {}

    /// CLOCK_MONOTONIC, read by the harness's `MonotonicClock`.
    @inline(__always)
    public func now() -> MonotonicInstant {
        MonotonicInstant(nanoseconds: Int64(truncatingIfNeeded: MonotonicClock.now()))
    }

    /// CLOCK_REALTIME seconds.
    public func wallSeconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec)
    }
}

/// A clock that moves only when told to: for deterministic tests.
public final class ManualKeyCacheClock: KeyCacheClock {
    private let nanos: Atomic<Int64>
    private let wallOrigin: Int64

    /// Starts at `start` on the monotonic scale and `wallOrigin` seconds on the wall clock.
    public init(start: MonotonicInstant = MonotonicInstant(nanoseconds: 1_000_000_000_000), wallOrigin: Int64 = 1_700_000_000) {
        nanos = Atomic(start.nanoseconds)
        self.wallOrigin = wallOrigin
    }

    /// Where the test put the clock.
    public func now() -> MonotonicInstant { MonotonicInstant(nanoseconds: nanos.load(ordering: .acquiring)) }

    /// The wall clock moves with the monotonic one, from `wallOrigin`.
    public func wallSeconds() -> Int64 { wallOrigin + nanos.load(ordering: .acquiring) / 1_000_000_000 }

    /// Moves time forward by `duration`.
    public func advance(by duration: Duration) {
        nanos.wrappingAdd(duration.nanoseconds, ordering: .acquiringAndReleasing)
    }
}
