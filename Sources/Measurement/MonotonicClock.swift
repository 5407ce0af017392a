#if canImport(Glibc)
import Glibc
#endif

/// Nanoseconds from CLOCK_MONOTONIC: the one monotonic clock of the project (latencies in the
/// harness, TTLs and cooldowns in the key cache).
/// A raw `clock_gettime` (vDSO, no allocation, no actor hop) rather than `ContinuousClock`,
/// whose `Instant` arithmetic costs more than the driver can afford per request.
public enum MonotonicClock {
    /// Now, in nanoseconds from the clock's origin. `@inlinable` because the load workers and
    /// the key cache (other modules) read it per request: a cross-module call would cost more
    /// than the vDSO read.
    @inlinable @inline(__always)
    public static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}
