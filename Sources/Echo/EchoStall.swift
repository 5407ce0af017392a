import Measurement

/// `--stall HOLD@AFTER`: once the server has run for `after`, every response is held until
/// `after + hold`, once. A stall at a known time lets a load run show coordinated omission
/// (latency measured from the intended start sees the stall; from the actual send it hides it).
public struct EchoStall: Sendable, Hashable, CustomStringConvertible {
    /// How long responses are held.
    public var hold: Duration
    /// When, after the server started, the hold begins.
    public var after: Duration

    /// A stall of `hold` starting `after` the server started.
    public init(hold: Duration, after: Duration) {
        self.hold = hold
        self.after = after
    }

    /// `HOLD@AFTER`, e.g. `200ms@3s`.
    /// - Throws: `EchoError` when either part is not a duration (HOLD must be above zero).
    public init(parsing text: String) throws(EchoError) {
        guard let (hold, after) = DurationParser.holdAfter(text) else {
            throw EchoError("--stall \"\(text)\" is not HOLD@AFTER (e.g. 200ms@3s)")
        }
        self.init(hold: hold, after: after)
    }

    /// How long a response ready `elapsed` after the start must wait: until the hold ends when
    /// it falls inside it, else zero.
    public func delay(at elapsed: Duration) -> Duration {
        guard elapsed >= after, elapsed < after + hold else { return .zero }
        return after + hold - elapsed
    }

    public var description: String { "\(hold)@\(after)" }
}
