/// A deny decision: a stable code plus a human-readable detail naming what was wrong.
public struct Denial: Sendable, Hashable, Error, CustomStringConvertible {
    public let reason: ReasonCode
    /// Says what was wrong (never empty); not a contract, may change between versions.
    public let detail: String

    public init(_ reason: ReasonCode, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    public var httpStatus: Int { reason.httpStatus }
    public var description: String { "\(reason.rawValue): \(detail)" }
}
