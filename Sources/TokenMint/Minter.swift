import Dispatch
import Foundation
import JOSECrypto
import JWTValidation
import Synchronization

/// What to mint.
public struct MintPlan: Sendable {
    public var algorithms: [JWSAlgorithm]
    public var variants: [Variant]
    public var sizes: [SizeClass]
    /// Cases to mint; nil mints each (variant, algorithm, size) combination once.
    public var count: Int?
    public var seed: UInt64
    public var now: Int64

    public init(algorithms: [JWSAlgorithm], variants: [Variant], sizes: [SizeClass], count: Int? = nil, seed: UInt64 = 1, now: Int64) {
        self.algorithms = algorithms
        self.variants = variants
        self.sizes = sizes
        self.count = count
        self.seed = seed
        self.now = now
    }

    /// Every applicable (variant, algorithm, size), in catalogue order.
    public var combinations: [(Variant, JWSAlgorithm, SizeClass)] {
        var out: [(Variant, JWSAlgorithm, SizeClass)] = []
        for v in variants {
            for a in algorithms where v.applies(a) {
                for s in sizes { out.append((v, a, s)) }
            }
        }
        return out
    }

    /// Parses `--variants`: `good`, `bad`, `all`, or variant ids, comma-separated.
    public static func variants(_ spec: String) throws -> [Variant] {
        var out: [Variant] = []
        for item in spec.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            switch item {
            case "all": out += VariantCatalog.all
            case "good": out += VariantCatalog.all.filter(\.isGood)
            case "bad": out += VariantCatalog.all.filter { !$0.isGood }
            default:
                guard let v = VariantCatalog.variant(item) else { throw MintError.unknownVariant(item) }
                out.append(v)
            }
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0.id).inserted }
    }

    /// Parses `--sizes`: size classes, comma-separated (`small,typical,large`).
    public static func sizes(_ spec: String) throws -> [SizeClass] {
        try spec.split(separator: ",").map {
            guard let size = SizeClass(rawValue: String($0)) else { throw MintError.unknownSize(String($0)) }
            return size
        }
    }

    public static func algorithms(_ spec: String) throws -> [JWSAlgorithm] {
        if spec == "all" { return JWSAlgorithm.allCases }
        return try spec.split(separator: ",").map {
            guard let a = JWSAlgorithm(rawValue: String($0)) else { throw MintError.unknownAlgorithm(String($0)) }
            return a
        }
    }
}

/// Mints cases from the catalogue, on all cores, deterministically for a seed: case `i` is
/// combination `i mod n` with claims from a generator seeded by (seed, i), and every signature
/// is a function of the seed and its signing input (`SignerCache`), so neither the split across
/// threads nor OpenSSL's random ECDSA nonces and PSS salts change the output.
public struct Minter: Sendable {
    public let signers: SignerCache

    public init(keySet: TestKeySet) { signers = SignerCache(keySet: keySet) }

    public func mint(_ plan: MintPlan, threads: Int = 2) throws -> [MintedCase] {
        let combos = plan.combinations
        guard !combos.isEmpty else { throw MintError.noCases("no variant applies to the chosen algorithms") }
        let total = plan.count ?? combos.count
        let results = UnsafeMutableBufferPointer<MintedCase?>.allocate(capacity: total)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        nonisolated(unsafe) let slots = results
        let failure = Mutex<(any Error)?>(nil)
        let workers = max(1, min(threads, total))
        let signers = self.signers
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var i = w
            while i < total {
                let (variant, algorithm, size) = combos[i % combos.count]
                var context = MintContext(
                    algorithm: algorithm, size: size, now: plan.now, seed: plan.seed,
                    rng: MintRandom(seed: MintRandom.derive(plan.seed, i)), signers: signers)
                do {
                    let input = try variant.make(&context)
                    slots[i] = MintedCase(
                        id: "\(variant.id)/\(algorithm.rawValue)/\(size.rawValue)/\(i)",
                        variant: variant, algorithm: algorithm, size: size, input: input)
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                    return
                }
                i += workers
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return results.map { $0! }
    }
}
