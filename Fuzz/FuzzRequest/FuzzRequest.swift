import Foundation
import FuzzSupport
import JWTValidation
import Policy

/// The `--request` description parser (`HTTPRequest(json:)`) and then token extraction and
/// validation of the request it describes, under a policy with header, JSON-body and
/// form-body tokens: no crash, no hang, bounded memory; a refused description says why.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzMain.bytes(data, size)
    let request: HTTPRequest
    do {
        request = try HTTPRequest(json: Data(input))
    } catch {
        if error.description.count <= "invalid request description: ".count { fuzzFailure("an empty refusal", input) }
        return 0
    }
    for validator in RequestFixture.validators {
        let decision = validator.validate(request: request, now: FuzzKeys.now)
        if case .deny(let denial) = decision, denial.detail.isEmpty, denial.reason != .tokenMissing {
            fuzzFailure("a \(denial.reason) denial without a detail", input)
        }
    }
    return 0
}

enum RequestFixture {
    static let policies = [
        """
        issuer: {allow_list: [{value: "\(FuzzKeys.issuer)"}]}
        audience: {allow_list: [{value: "\(FuzzKeys.audience)"}]}
        http: {tokens: [{type: jwt, method: header, name: Authorization, prefix: "Bearer "}]}
        jws: {allowed_algorithms: [RS256, PS256, ES256, HS256, EdDSA]}
        """,
        """
        issuer: {allow_list: [{value: "\(FuzzKeys.issuer)"}]}
        audience: {allow_list: [{value: "\(FuzzKeys.audience)"}]}
        http: {tokens: [{type: jwt, method: body, name: access_token}, {type: id_token, method: header, name: X-Id-Token}]}
        jws: {allowed_algorithms: [RS256, PS256, ES256, HS256, EdDSA]}
        """,
    ]
    static let validators: [Validator] = policies.map { text in
        let policy = try! Policy.parse(text)
        let algorithms = FuzzKeys.byAlgorithm.map(\.0)
        return Validator(
            rules: ValidationRules(policy: policy),
            keys: StaticKeyProvider(keys: FuzzKeys.byAlgorithm.map(\.1), algorithms: algorithms), locations: policy.tokens)
    }
}

@main enum FuzzRequestMain {
    static func main() { FuzzMain.run(fuzzRequest) }
}
