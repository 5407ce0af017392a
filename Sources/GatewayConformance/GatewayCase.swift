import Conformance
import Foundation
import JOSECrypto
import JWTValidation
import Policy
import TokenMint

/// One catalogue case as it is sent to a gateway (a request-shaped case, or a token case in
/// its policy's header): the conformance case (id, expectation, tags; suite `jwtbench`), the
/// catalogue policy it is stated under, and the request.
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

    /// The catalogue's cases as requests, minted at `now` with the test key set the same way
    /// `mint` mints them (typical size, `seed`), in catalogue order: every request-shaped case,
    /// and every token case whose policy reads one header token, sent in that header after its
    /// prefix (`Authorization: Bearer <token>`), so a gateway is judged on the token checks too.
    /// Left out: token cases under an unavailable key source (a gateway's key source is its
    /// own), and tokens that a header value cannot carry as they are (bytes outside visible
    /// ASCII and space, or leading or trailing spaces, which HTTP parsers trim). The tokens are
    /// valid around `now`, so a gateway validating with its own clock must run soon after.
    /// - Throws: `MintError` when the test key set cannot be found or a token not signed
    ///   (`RevocationError` should the catalogue's denylist not build).
    public static func mint(now: Int64, seed: UInt64 = 1) throws -> [GatewayCase] {
        let keySet = try TestKeySet.loadDefault()
        let plan = MintPlan(algorithms: algorithms, variants: VariantCatalog.all, sizes: [.typical], seed: seed, now: now)
        let keys = keySet.trustedJWKS.keys
        var cases: [GatewayCase] = []
        let all = try Minter(keySet: keySet).mint(plan)
        // The revoked policy's denylist, as `mint --out` writes it beside that policy, so the
        // in-process run of a case decides as a gateway with that file does.
        let denylist = try CatalogRevocation.list(for: all)
        for minted in all {
            let policy = try minted.policy.policy()
            let request: HTTPRequest
            switch minted.input {
            case .request(let r): request = r
            case .token(let token):
                guard minted.keys == .available, let r = headerRequest(token, policy.tokens) else { continue }
                request = r
            }
            let setup = ConformanceSetup(
                id: "gateway/\(minted.policy.rawValue)", rules: ValidationRules(policy: policy), locations: policy.tokens,
                keys: minted.keys == .unavailable ? .unavailable : .set(keys),
                revocation: policy.revocation == nil ? nil : denylist)
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
                    minted.input.token == nil ? "request" : "token",
                ],
                expectation: expectation, body: .run(.request(request), setup, now: now))
            cases.append(GatewayCase(conformance: conformance, policy: minted.policy, request: request))
        }
        return cases
    }

    /// A GET carrying `token` in the policy's one header location, or nil when the policy
    /// reads anything else or the header cannot carry the token unchanged.
    static func headerRequest(_ token: String, _ locations: [TokenLocation]) -> HTTPRequest? {
        guard locations.count == 1, let location = locations.first, location.method == .header else { return nil }
        let bytes = Array(token.utf8)
        guard bytes.allSatisfy({ (0x20...0x7E).contains($0) }), bytes.first != 0x20, bytes.last != 0x20 else { return nil }
        return HTTPRequest(method: "GET", headers: [HTTPHeader(location.name, location.prefix + token)])
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
