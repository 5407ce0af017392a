import Conformance
import Foundation
import JOSECrypto
import JWTValidation
import Policy
import TokenMint

/// One request-shaped catalogue case as it is sent to a gateway: the conformance case (id,
/// expectation, tags; suite `jwtbench`), the catalogue policy it is stated under, and the
/// request.
public struct GatewayCase: Sendable {
    /// The case as the conformance outputs and the expected-failure list know it; its body runs
    /// the same request through the in-process validator, so both paths share one definition.
    public let conformance: ConformanceCase
    /// The policy the gateway under test must enforce for this case.
    public let policy: CatalogPolicy
    /// What is sent (the per-case correlation header and the path are added on the wire).
    public let request: HTTPRequest

    /// The header every request carries so that what reaches the upstream can be matched to its
    /// case whatever the gateway does to the path.
    public static let caseHeader = "X-Jwtbench-Case"
    /// The algorithms the cases are minted for: `mint`'s default, so the `requests.jsonl` a
    /// default `mint --out` writes holds the same cases.
    public static let algorithms: [JWSAlgorithm] = [.rs256, .es256]

    /// The request-shaped cases of the catalogue, minted at `now` with the test key set the
    /// same way `mint` mints them (typical size, `seed`), in catalogue order. The tokens are
    /// valid around `now`, so a gateway validating with its own clock must run soon after.
    /// - Throws: `MintError` when the test key set cannot be found or a token not signed.
    public static func mint(now: Int64, seed: UInt64 = 1) throws -> [GatewayCase] {
        let keySet = try TestKeySet.loadDefault()
        let plan = MintPlan(algorithms: algorithms, variants: VariantCatalog.all, sizes: [.typical], seed: seed, now: now)
        let keys = keySet.trustedJWKS.keys
        var cases: [GatewayCase] = []
        for minted in try Minter(keySet: keySet).mint(plan) {
            guard case .request(let request) = minted.input else { continue }
            let policy = try minted.policy.policy()
            let setup = ConformanceSetup(
                id: "gateway/\(minted.policy.rawValue)", rules: ValidationRules(policy: policy), locations: policy.tokens,
                keys: minted.keys == .unavailable ? .unavailable : .set(keys))
            let expectation: ConformanceExpectation
            switch minted.expectation {
            case .allow: expectation = .allow
            case .deny(let reason): expectation = .deny(reason)
            case .acceptable: expectation = .acceptable
            }
            let conformance = ConformanceCase(
                suite: .jwtbench, localID: "\(minted.variant.id)/\(minted.algorithm.rawValue)/\(minted.size.rawValue)",
                description: minted.variant.summary,
                tags: [
                    minted.variant.isGood ? "good" : "bad", minted.algorithm.rawValue, minted.size.rawValue, minted.policy.rawValue,
                    "request",
                ],
                expectation: expectation, body: .run(.request(request), setup, now: now))
            cases.append(GatewayCase(conformance: conformance, policy: minted.policy, request: request))
        }
        return cases
    }

    /// The request in wire form for `target`: `<prefix>/jwtbench-conform/<index>`, `Host`, the
    /// case header, the case's headers in order, and `Content-Length` when there is a body or
    /// the method takes one (a GET with a body keeps it: that is what the case tests).
    public func wire(for target: GatewayTarget, index: Int) -> [UInt8] {
        var text = "\(request.method) \(target.pathPrefix)/jwtbench-conform/\(index) HTTP/1.1\r\n"
        text += "Host: \(target.host):\(target.port)\r\n\(Self.caseHeader): \(conformance.id)\r\n"
        for header in request.headers { text += "\(header.name): \(header.value)\r\n" }
        if !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method) {
            text += "Content-Length: \(request.body.count)\r\n"
        }
        return Array((text + "\r\n").utf8) + request.body
    }
}
