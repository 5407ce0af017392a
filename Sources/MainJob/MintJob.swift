import Foundation
import JOSECrypto
import Measurement
import TokenMint

/// The whole of `jwtbench mint`: the catalogue listed, the project's vectors written, or cases
/// minted on all cores into a `mint --out` folder (`MintOutput`).
public struct MintJob: Sendable {
    /// What `jwtbench mint` was asked for, as given on the command line.
    public struct Request: Sendable {
        public var algorithms = "RS256,ES256"
        public var variants = "good,bad"
        public var sizes = "typical"
        public var count: Int?
        public var seed: UInt64 = 1
        /// nil: now.
        public var now: Int64?
        public var out: String?
        public var threads = ProcessInfo.processInfo.activeProcessorCount
        /// Write the project's vectors to this file instead.
        public var vectors: String?
        /// List the variant catalogue instead.
        public var list = false

        public init() {}
    }

    public let request: Request

    public init(_ request: Request) { self.request = request }

    /// Does what was asked; `log` gets the listing or the one-line summary.
    /// - Throws: `HarnessError.usage` without `out`, `vectors` or `list`; `MintError` for an
    ///   unknown algorithm, variant or size, or a missing test key set.
    public func run(log: (String) -> Void) throws {
        let r = request
        if r.list {
            for v in VariantCatalog.all {
                log(
                    "\(v.id.padding(toLength: 28, withPad: " ", startingAt: 0)) \(v.expectation.description.padding(toLength: 32, withPad: " ", startingAt: 0)) [\(v.policy.rawValue)] \(v.summary)"
                )
            }
            log("\(VariantCatalog.all.count) variants")
            return
        }
        let keySet = try TestKeySet.loadDefault()
        if let vectors = r.vectors {
            let file = try VectorFile.generate(keySet: keySet)
            try file.encoded().write(to: URL(fileURLWithPath: vectors))
            log("wrote \(file.cases.count) vector cases to \(vectors)")
            return
        }
        guard let out = r.out else { throw HarnessError.usage("--out DIR is required (or --vectors FILE, or --list)") }
        let at = r.now ?? Int64(Date().timeIntervalSince1970)
        let plan = MintPlan(
            algorithms: try MintPlan.algorithms(r.algorithms), variants: try MintPlan.variants(r.variants),
            sizes: try MintPlan.sizes(r.sizes), count: r.count, seed: r.seed, now: at)
        let start = MonotonicClock.now()
        let cases = try Minter(keySet: keySet).mint(plan, threads: max(1, r.threads))
        let seconds = Double(MonotonicClock.now() - start) / 1e9
        try MintOutput.write(cases, keySet: keySet, now: at, to: out)
        log(
            "minted \(cases.count) cases in \(String(format: "%.3f", seconds)) s: \(String(format: "%.0f", Double(cases.count) / seconds)) tokens/s on \(r.threads) thread(s); written to \(out)"
        )
    }
}
