#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Memory for a list's large buffers: 2 MiB-aligned and, on Linux, marked for transparent huge
/// pages. A lookup in a list of ten million entries lands on a random page of 160 MB; with
/// 4 KiB pages nearly every lookup also misses the TLB and walks the page tables (more
/// dependent memory reads), with 2 MiB pages the walk is short or cached.
enum ListStorage {
    static let hugePage = 2 * 1024 * 1024

    /// `count` elements of `T`, uninitialised; free with `deallocate`.
    static func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let bytes = max(1, count) * MemoryLayout<T>.stride
        guard bytes >= hugePage else { return .allocate(capacity: max(1, count)) }
        var raw: UnsafeMutableRawPointer?
        let rounded = (bytes + hugePage - 1) / hugePage * hugePage
        guard posix_memalign(&raw, hugePage, rounded) == 0, let raw else { return .allocate(capacity: count) }
        #if os(Linux)
        // Advice only: without transparent huge pages the buffer works the same.
        _ = madvise(raw, rounded, MADV_HUGEPAGE)
        #endif
        return raw.bindMemory(to: T.self, capacity: count)
    }

    /// Frees what `allocate` returned for `count` elements.
    static func deallocate<T>(_ pointer: UnsafeMutablePointer<T>, count: Int) {
        let bytes = max(1, count) * MemoryLayout<T>.stride
        if bytes >= hugePage {
            free(pointer)
        } else {
            pointer.deallocate()
        }
    }
}
