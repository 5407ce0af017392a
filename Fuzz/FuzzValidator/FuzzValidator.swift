import Foundation
import FuzzSupport
import JOSECrypto
import JWTValidation

/// The validator on arbitrary token bytes with fixed keys (RS256, PS256, ES256, HS256, EdDSA).
/// Properties: no crash, and an allow only for a token whose signature the reference path
/// (`ReferenceVerifier`: OpenSSL's EVP API) verifies under the allowed algorithm with a key
/// of that algorithm named by the token's `kid` (any such key when it has none).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzValidator(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzMain.bytes(data, size)
    let token = String(decoding: input, as: UTF8.self)
    guard case .allow(let verified) = ValidatorFixture.validator.validate(token: token, now: FuzzKeys.now) else { return 0 }
    guard let algorithm = verified.algorithm else {
        fuzzFailure("allowed a token without a signature algorithm under a JWS-only policy", input)
    }
    let parts = token.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 3, let signature = Base64URL.decode(String(parts[2])) else {
        fuzzFailure("allowed a token that is not three base64url segments", input)
    }
    let message = Array("\(parts[0]).\(parts[1])".utf8)
    let kid = ValidatorFixture.kid(of: String(parts[0]))
    let verifies = ValidatorFixture.references.contains { entry in
        entry.algorithm == algorithm && (kid == nil || kid == entry.kid)
            && entry.reference.verify(signature: signature, message: message)
    }
    if !verifies { fuzzFailure("allowed a \(algorithm.rawValue) token the reference does not verify", input) }
    return 0
}

enum ValidatorFixture {
    static let algorithms = FuzzKeys.byAlgorithm.map(\.0)
    static let validator = Validator(
        rules: ValidationRules(issuers: [FuzzKeys.issuer], audiences: [FuzzKeys.audience], allowedAlgorithms: algorithms),
        keys: StaticKeyProvider(keys: FuzzKeys.byAlgorithm.map(\.1), algorithms: algorithms))
    static let references: [(algorithm: JWSAlgorithm, kid: String?, reference: ReferenceVerifier)] = FuzzKeys.byAlgorithm.map {
        ($0.0, $0.1.kid, try! ReferenceVerifier(key: $0.1, algorithm: $0.0))
    }

    /// The header's `kid`, read by Foundation (the reference does not share the scanner).
    static func kid(of headerSegment: String) -> String? {
        guard let header = Base64URL.decode(headerSegment),
            let object = try? JSONSerialization.jsonObject(with: Data(header)) as? [String: Any]
        else { return nil }
        return object["kid"] as? String
    }
}

@main enum FuzzValidatorMain {
    static func main() { FuzzMain.run(fuzzValidator) }
}
