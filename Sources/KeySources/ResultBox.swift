import struct NIOConcurrencyHelpers.NIOLockedValueBox

/// A value handed from a task to a blocked thread.
final class ResultBox<T: Sendable>: Sendable {
    private let value = NIOLockedValueBox<T?>(nil)
    func set(_ v: T) { value.withLockedValue { $0 = v } }
    func take() -> T { value.withLockedValue { $0! } }
    /// Changes a value that was `set` before.
    func update(_ body: (inout T) -> Void) {
        value.withLockedValue { stored in
            var v = stored!
            body(&v)
            stored = v
        }
    }
}
