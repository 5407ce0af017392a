import Foundation
import JOSECrypto
import JWTValidation
import Policy
import TokenMint

/// `jwtbench`: the project's vectors (`vectors/jwtbench-cases.json`, `TokenMint.VectorFile`).
///
/// Each case is decided exactly as the vector file says: the named ngrok policy (its rules and
/// token locations), the named key set (or a key source that is down for `unavailable`), the
/// bare token or the request, at the case's `now`; the expectation is the case's `expect`
/// (`deny` with its exact reason). Case ids: `jwtbench/<variant>/<alg>/<size>`.
public enum ConformanceJWTBenchSuite {
    /// The vector file's name inside the project's `vectors/` folder.
    public static let fileName = "jwtbench-cases.json"

    /// The cases of the vector file at `path`.
    public static func load(path: String) throws(ConformanceError) -> [ConformanceCase] {
        let file: VectorFile
        do {
            file = try VectorFile.load(path)
        } catch {
            throw .malformedVectors(path: path, "\(error)")
        }
        var policies: [String: Policy] = [:]
        for (name, yaml) in file.policies {
            do {
                policies[name] = try Policy.parse(yaml)
            } catch {
                throw .malformedVectors(path: path, "policy \"\(name)\": \(error)")
            }
        }
        // A policy's denylist comes with the vectors (`revocations`), not from its file.
        var denylists: [String: any RevocationCheck] = [:]
        for (name, policy) in policies where policy.revocation != nil {
            guard let entries = file.revocations?[name] else {
                throw .malformedVectors(path: path, "policy \"\(name)\" names a denylist the vectors do not hold (revocations)")
            }
            do {
                denylists[name] = try CatalogRevocation.list(entries: entries, source: "revocations.\(name)")
            } catch {
                throw .malformedVectors(path: path, "\(error)")
            }
        }
        var cases: [ConformanceCase] = []
        cases.reserveCapacity(file.cases.count)
        for c in file.cases {
            guard let policy = policies[c.policy] else { throw .malformedVectors(path: path, "\(c.id): unknown policy \"\(c.policy)\"") }
            let keys: ConformanceSetup.Keys
            if c.keys == "unavailable" {
                keys = .unavailable
            } else if let set = file.keysets[c.keys] {
                keys = .set(set.keys)
            } else {
                throw .malformedVectors(path: path, "\(c.id): unknown key set \"\(c.keys)\"")
            }
            let setup = ConformanceSetup(
                id: "jwtbench/\(c.policy)/\(c.keys)", rules: ValidationRules(policy: policy),
                locations: policy.tokens, keys: keys, revocation: denylists[c.policy])
            let input: ConformanceInput
            if let token = c.token {
                input = .token(token)
            } else if let r = c.request {
                guard r.headers.allSatisfy({ $0.count == 2 }) else {
                    throw .malformedVectors(path: path, "\(c.id): a header is not [name, value]")
                }
                input = .request(
                    HTTPRequest(method: r.method, headers: r.headers.map { HTTPHeader($0[0], $0[1]) }, body: Array((r.body ?? "").utf8)))
            } else {
                throw .malformedVectors(path: path, "\(c.id): neither token nor request")
            }
            let expectation: ConformanceExpectation
            switch (c.expect.decision, c.expect.reason) {
            case ("allow", nil): expectation = .allow
            case ("acceptable", nil): expectation = .acceptable
            case ("deny", let reason?):
                guard let code = ReasonCode(rawValue: reason) else {
                    throw .malformedVectors(path: path, "\(c.id): unknown reason \"\(reason)\"")
                }
                expectation = .deny(code)
            default:
                throw .malformedVectors(
                    path: path,
                    "\(c.id): expect \(c.expect.decision)/\(c.expect.reason ?? "-") is not allow, acceptable or deny with a reason")
            }
            cases.append(
                ConformanceCase(
                    suite: .jwtbench, localID: c.id, description: c.description, tags: c.tags,
                    expectation: expectation, body: .run(input, setup, now: c.now)))
        }
        return cases
    }
}
