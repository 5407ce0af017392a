import JWTValidation

extension ReasonCode {
    /// Dense index for the workers' tally arrays (0 is reserved for allow).
    static let tallyNames: [String] = ["allow"] + ReasonCode.allCases.map(\.rawValue)

    @inline(__always)
    static func tallyIndex(_ reason: ReasonCode?) -> Int {
        guard let reason else { return 0 }
        return ordinals[reason]! + 1
    }

    private static let ordinals: [ReasonCode: Int] = Dictionary(uniqueKeysWithValues: ReasonCode.allCases.enumerated().map { ($1, $0) })
}
