/// How the load driver issued operations.
public enum LoadMode: String, Codable, Sendable, CaseIterable {
    /// Each worker starts the next operation when the previous one ends: maximum throughput.
    case closed
    /// Operations are scheduled at a constant arrival rate and latency is measured from the
    /// intended start, so stalls show up in the tail (coordinated omission corrected).
    case open
}
