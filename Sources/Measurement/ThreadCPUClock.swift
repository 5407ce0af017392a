#if canImport(Glibc)
import Glibc
#endif

/// CPU time the calling thread has used (`CLOCK_THREAD_CPUTIME_ID`), for timing by the CPU a
/// thread was granted rather than by the wall clock (`MonotonicClock`). Reading it is a system
/// call (about 0.3 µs), so loops read it once per batch of operations.
public enum ThreadCPUClock {
    /// The calling thread's CPU time so far, in nanoseconds.
    public static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// The calling thread's CPU time so far, in seconds.
    public static func seconds() -> Double { Double(now()) / 1e9 }
}
