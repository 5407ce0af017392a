import JOSECrypto
import JWTValidation
import Policy

/// What a case hands the validator: a bare token, or a whole request (for extraction defects).
public enum CaseInput: Sendable {
    case token(String)
    case request(HTTPRequest)

    /// The token text, for bare-token cases.
    public var token: String? {
        if case .token(let t) = self { return t }
        return nil
    }
}

/// Whether the validator gets the catalogue's keys, or a key source that is down.
public enum KeyAvailability: String, Sendable, Codable {
    case available
    case unavailable
}

/// One minted case with its known answer.
public struct MintedCase: Sendable {
    /// `variant/alg/size/n`, stable for a given seed.
    public let id: String
    public let variant: Variant
    public let algorithm: JWSAlgorithm
    public let size: SizeClass
    public let input: CaseInput
    public var expectation: Expectation { variant.expectation }
    public var policy: CatalogPolicy { variant.policy }
    public var keys: KeyAvailability { variant.keys }
}
