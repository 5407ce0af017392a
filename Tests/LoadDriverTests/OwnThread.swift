import Foundation

/// Runs blocking work (a whole load series: seconds of busy threads and waits) on a thread of
/// its own, so that it never holds one of the two cooperative-pool threads this machine has,
/// which the other suites' async tests (the gateway's, the issuer's) need meanwhile.
func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
        }
    }
}
