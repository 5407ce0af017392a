import NIOCore

extension Duration {
    /// The same span as NIO's `TimeAmount` (clamped to what it can hold).
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .nanoseconds(seconds < 0 ? .min : .max) }
        return .nanoseconds(scaled &+ attoseconds / 1_000_000_000)
    }
}
