import Dispatch
import Measurement

/// Operations per second of a closure run from several threads at once, by wall clock
/// (`MonotonicClock`) or by each thread's own CPU time (`ThreadCPUClock`).
public enum ThroughputMeter {
    /// Total operations per second over `threads` threads, each running `body` for `seconds`
    /// (of wall time, or of its own CPU time: then the rate is the sum of each thread's ops per
    /// CPU second, what the threads would do with a core each). `body` returns whether its
    /// operation succeeded; a failure stops the process (a measurement of failures is void).
    public static func measure(
        threads: Int, seconds: Double, clock: SpeedClock = .wall,
        _ body: @escaping @Sendable () -> Bool
    ) -> Double {
        if clock == .cpu { return measureCPU(threads: threads, seconds: seconds, body) }
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: threads)
        counts.initialize(repeating: 0)
        defer { counts.deallocate() }
        nonisolated(unsafe) let shared = counts
        let start = MonotonicClock.now()
        let deadline = start + UInt64(seconds * 1e9)
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            var n = 0
            var ok = true
            while MonotonicClock.now() < deadline {
                for _ in 0..<16 { ok = body() && ok }
                n += 16
            }
            precondition(ok, "verification failed during measurement")
            shared[t] = n
        }
        let elapsed = Double(MonotonicClock.now() - start) / 1e9
        return Double(counts.reduce(0, +)) / elapsed
    }

    private static func measureCPU(threads: Int, seconds: Double, _ body: @escaping @Sendable () -> Bool) -> Double {
        let rates = UnsafeMutableBufferPointer<Double>.allocate(capacity: threads)
        rates.initialize(repeating: 0)
        defer { rates.deallocate() }
        nonisolated(unsafe) let shared = rates
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let start = ThreadCPUClock.seconds()
            var used = 0.0
            var n = 0
            var ok = true
            // Reading the thread clock is a system call (~0.3 µs): once per 16 operations keeps
            // it under 1% of even the fastest cell (HMAC, ~2 µs per operation).
            while used < seconds {
                for _ in 0..<16 { ok = body() && ok }
                n += 16
                used = ThreadCPUClock.seconds() - start
            }
            precondition(ok, "verification failed during measurement")
            shared[t] = Double(n) / used
        }
        return rates.reduce(0, +)
    }
}
