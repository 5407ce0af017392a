extension ReasonCode {
    /// Names of the harness workers' tally slots, indexed by `tallyIndex`: slot 0 counts
    /// allows, then one slot per reason code in declaration order.
    public static let tallyNames: [String] = ["allow"] + ReasonCode.allCases.map(\.rawValue)

    /// The tally slot of a decision: 0 for allow (nil), else the reason's slot.
    @inline(__always)
    public static func tallyIndex(_ reason: ReasonCode?) -> Int {
        guard let reason else { return 0 }
        return ordinals[reason]! + 1
    }

    private static let ordinals: [ReasonCode: Int] = Dictionary(uniqueKeysWithValues: ReasonCode.allCases.enumerated().map { ($1, $0) })
}
