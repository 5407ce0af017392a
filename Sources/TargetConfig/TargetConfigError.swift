/// Why no configuration was written: bad input, or a policy the gateway cannot enforce as
/// written. One line naming the field or the feature.
public struct TargetConfigError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }

    /// The policy asks for what `gateway` cannot enforce. Writing a configuration that quietly
    /// enforces less would make a conformance run lie, so nothing is written.
    static func unsupported(_ gateway: TargetGateway, _ gaps: [String]) -> TargetConfigError {
        TargetConfigError("\(gateway) cannot enforce this policy: " + gaps.joined(separator: "; "))
    }
}
