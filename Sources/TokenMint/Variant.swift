import JOSECrypto
import JWTValidation
import Policy

/// One entry of the catalogue: a token shape with a planted defect (or none) and the decision
/// the validator must reach under the stated policy.
public struct Variant: Sendable {
    /// Stable id (`good`, `expired-1s`, `alg-none-lower`, ...): used by `--variants` and in case ids.
    public let id: String
    /// One line saying what the token is.
    public let summary: String
    /// The single defect planted ("none" for good variants).
    public let defect: String
    public let expectation: Expectation
    public let policy: CatalogPolicy
    public let keys: KeyAvailability
    /// Algorithms this variant makes sense for.
    public let applies: @Sendable (JWSAlgorithm) -> Bool
    let build: @Sendable (inout MintContext) throws -> CaseInput

    public var isGood: Bool { expectation == .allow }

    init(
        _ id: String, _ summary: String, defect: String = "none", expect: Expectation,
        policy: CatalogPolicy = .standard, keys: KeyAvailability = .available,
        applies: @escaping @Sendable (JWSAlgorithm) -> Bool = { _ in true },
        build: @escaping @Sendable (inout MintContext) throws -> CaseInput
    ) {
        self.id = id
        self.summary = summary
        self.defect = defect
        self.expectation = expect
        self.policy = policy
        self.keys = keys
        self.applies = applies
        self.build = build
    }

    /// Mints this variant for a context.
    public func make(_ context: inout MintContext) throws -> CaseInput { try build(&context) }
}
