/// Mutations of seed streams for the differential tests: one to three byte flips, insertions
/// of the bytes framing turns on, deletions, and splices with another seed's tail, driven by
/// a caller's fixed-seed generator (the fuzz targets explore further).
public struct SeedMutator {
    let seeds: [[UInt8]]
    let interesting: [UInt8]

    public init(seeds: [String], interesting: String) {
        self.seeds = seeds.map { Array($0.utf8) }
        self.interesting = Array(interesting.utf8) + [0, 0x7F, 0x80, 0xFF]
    }

    /// Seed `round` (round robin), mutated with the numbers `next` gives.
    public func mutation(_ round: Int, _ next: () -> UInt64) -> [UInt8] {
        var stream = seeds[round % seeds.count]
        for _ in 0..<(1 + Int(next() % 3)) {
            let position = Int(next() % UInt64(stream.count + 1))
            switch next() % 4 {
            case 0 where position < stream.count: stream[position] = interesting[Int(next() % UInt64(interesting.count))]
            case 1: stream.insert(interesting[Int(next() % UInt64(interesting.count))], at: position)
            case 2 where position < stream.count: stream.remove(at: position)
            default:
                let other = seeds[Int(next() % UInt64(seeds.count))]
                let cut = Int(next() % UInt64(other.count))
                stream = Array(stream[..<position]) + other[cut...]
            }
        }
        return stream
    }
}
