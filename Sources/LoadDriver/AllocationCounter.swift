#if canImport(CJemalloc)
import CJemalloc
#endif

/// Allocation counters from jemalloc, which the `jwtbench` executable links as its malloc.
///
/// Bytes come from the calling thread's own counter (`thread.allocatedp`: a pointer read
/// without a call, so the load loop can sample it per operation). jemalloc keeps no
/// per-thread allocation *count*, so counts come from the arena statistics after flushing
/// this thread's cache: exact when one thread allocates, which is how `profile` and the
/// load driver's calibration pass use it.
public enum AllocationCounter {
    #if canImport(CJemalloc)
    /// Whether jemalloc is the process allocator (it is not under `swift test`'s default
    /// runtime unless linked; then every figure is reported as unavailable).
    public static let isAvailable: Bool = {
        var p: UnsafeMutablePointer<UInt64>?
        var size = MemoryLayout<UnsafeMutablePointer<UInt64>?>.size
        return mallctl("thread.allocatedp", &p, &size, nil, 0) == 0 && p != nil
    }()

    /// The calling thread's cumulative allocated-bytes counter; nil without jemalloc.
    public static func threadAllocatedBytesPointer() -> UnsafeMutablePointer<UInt64>? {
        var p: UnsafeMutablePointer<UInt64>?
        var size = MemoryLayout<UnsafeMutablePointer<UInt64>?>.size
        guard mallctl("thread.allocatedp", &p, &size, nil, 0) == 0 else { return nil }
        return p
    }

    /// Total allocation requests so far (all arenas, small + large; `nrequests`, not `nmalloc`,
    /// which counts thread-cache refills), after flushing this
    /// thread's cache so its allocations are counted. nil without jemalloc.
    public static func totalAllocations() -> UInt64? {
        guard isAvailable else { return nil }
        _ = mallctl("thread.tcache.flush", nil, nil, nil, 0)
        // Writing "epoch" makes jemalloc refresh the statistics it reports.
        var newEpoch: UInt64 = 1
        var oldEpoch: UInt64 = 0
        var epochSize = MemoryLayout<UInt64>.size
        _ = mallctl("epoch", &oldEpoch, &epochSize, &newEpoch, MemoryLayout<UInt64>.size)
        func read(_ name: String) -> UInt64? {
            var value: UInt64 = 0
            var size = MemoryLayout<UInt64>.size
            return mallctl(name, &value, &size, nil, 0) == 0 ? value : nil
        }
        guard let small = read("stats.arenas.4096.small.nrequests"), let large = read("stats.arenas.4096.large.nrequests") else {
            return nil
        }
        return small + large
    }

    /// Allocations and bytes per call of `body`, measured over `iterations` calls on this thread.
    public static func measure(iterations: Int, _ body: () -> Void) -> (allocations: Double, bytes: Double)? {
        guard let bytesPointer = threadAllocatedBytesPointer(), let before = totalAllocations() else { return nil }
        let bytesBefore = bytesPointer.pointee
        for _ in 0..<iterations { body() }
        let bytesAfter = bytesPointer.pointee
        guard let after = totalAllocations() else { return nil }
        return (Double(after - before) / Double(iterations), Double(bytesAfter - bytesBefore) / Double(iterations))
    }
    #else
    // Built without jemalloc (scripts/tsan.sh: ThreadSanitizer cannot share the process with
    // it): every figure is unavailable, which reports show as such.
    public static let isAvailable = false
    public static func threadAllocatedBytesPointer() -> UnsafeMutablePointer<UInt64>? { nil }
    public static func totalAllocations() -> UInt64? { nil }
    public static func measure(iterations: Int, _ body: () -> Void) -> (allocations: Double, bytes: Double)? { nil }
    #endif
}
