import JOSECrypto
import JWTValidation
import Measurement
import TokenMint

/// Tokens minted before timing starts, each with the decision it must get.
public struct LoadCorpus: Sendable {
    public struct Item: Sendable {
        public let id: String
        public let algorithm: JWSAlgorithm
        public let input: CaseInput
        /// Index into `validators` (one per catalogue policy and key availability).
        public let validator: Int
        /// nil: must be allowed.
        public let expected: ReasonCode?
    }

    public let items: [Item]
    public let validators: [Validator]
    /// The time every item is validated at (the mint time), so a long run never expires them.
    public let now: Int64
    public let algorithms: [JWSAlgorithm]

    public init(items: [Item], validators: [Validator], now: Int64, algorithms: [JWSAlgorithm]) {
        self.items = items
        self.validators = validators
        self.now = now
        self.algorithms = algorithms
    }

    /// Mints `count` items for `algorithms` and `sizes`, split across the mix's groups by
    /// weight and shuffled with `seed`, so every slice of the corpus sees the same mix.
    public static func mint(
        algorithms: [JWSAlgorithm], mix: WorkloadMix, sizes: [SizeClass], count: Int, seed: UInt64, now: Int64,
        keySet: TestKeySet, backend: any CryptoBackend = OpenSSLBackend(), threads: Int = 2
    ) throws -> LoadCorpus {
        let minter = Minter(keySet: keySet)
        var minted: [MintedCase] = []
        for (g, group) in mix.groups.enumerated() {
            let plan = MintPlan(
                algorithms: algorithms, variants: group.variants, sizes: sizes,
                count: max(1, Int((Double(count) * group.weight).rounded())), seed: seed &+ UInt64(g), now: now)
            if plan.combinations.isEmpty { continue }
            minted += try minter.mint(plan, threads: threads)
        }
        // Built after minting: the `revoked` policy's denylist lists minted tokens.
        let catalog = try CatalogValidators(keySet: keySet, backend: backend, revoking: minted)
        var validators: [Validator] = []
        var validatorIndex: [String: Int] = [:]
        func index(_ p: CatalogPolicy, _ k: KeyAvailability) -> Int {
            let key = p.rawValue + "/" + k.rawValue
            if let i = validatorIndex[key] { return i }
            validators.append(catalog.validator(for: p, keys: k))
            validatorIndex[key] = validators.count - 1
            return validators.count - 1
        }
        var items: [Item] = []
        for c in minted {
            let expected: ReasonCode?
            switch c.expectation {
            case .allow, .acceptable: expected = nil
            case .deny(let r): expected = r
            }
            items.append(Item(id: c.id, algorithm: c.algorithm, input: c.input, validator: index(c.policy, c.keys), expected: expected))
        }
        guard !items.isEmpty else { throw HarnessError.usage("the mix selects no variant that applies to \(algorithms.map(\.rawValue))") }
        var rng = MintRandom(seed: seed ^ 0x5EED)
        items.shuffle(using: &rng)
        return LoadCorpus(items: items, validators: validators, now: now, algorithms: algorithms)
    }

    /// The items of one algorithm (for per-algorithm series).
    public func filtered(_ algorithm: JWSAlgorithm) -> LoadCorpus {
        LoadCorpus(items: items.filter { $0.algorithm == algorithm }, validators: validators, now: now, algorithms: [algorithm])
    }
}

/// What the driver times: decides item `index` and returns the reason (nil = allow).
/// A protocol so tests and calibration can substitute a no-op or a stalling target.
public protocol LoadTarget: Sendable {
    func decide(_ index: Int) -> ReasonCode?
}

/// The real thing: the validation core over a corpus.
///
/// The corpus is flattened into parallel arrays at init, so that `decide` reads a token and a
/// validator in place: copying an `Item` or a `Validator` per call would retain objects every
/// worker shares (the validators' key sets, the token strings), and contended reference
/// counts cost more than the rest of the driver when threads scale.
public struct ValidatorTarget: LoadTarget {
    public let corpus: LoadCorpus
    private let tokens: [String?]
    private let requests: [HTTPRequest?]
    private let validatorIndex: [Int]
    private let validators: [Validator]
    private let now: Int64

    public init(corpus: LoadCorpus) {
        self.corpus = corpus
        tokens = corpus.items.map { if case .token(let t) = $0.input { return t } else { return nil } }
        requests = corpus.items.map { if case .request(let r) = $0.input { return r } else { return nil } }
        validatorIndex = corpus.items.map(\.validator)
        validators = corpus.validators
        now = corpus.now
    }

    @inline(__always)
    public func decide(_ index: Int) -> ReasonCode? {
        if let token = tokens[index] {
            return validators[validatorIndex[index]].validate(token: token, now: now).reason
        }
        return validators[validatorIndex[index]].validate(request: requests[index]!, now: now).reason
    }
}

/// Answers each item's expected decision without validating: the driver's own cost.
public struct NoopTarget: LoadTarget {
    public let expected: [ReasonCode?]

    public init(expected: [ReasonCode?]) { self.expected = expected }

    @inline(__always)
    public func decide(_ index: Int) -> ReasonCode? { expected[index] }
}
