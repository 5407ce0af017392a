import Foundation
import JOSECrypto
@_spi(Profiling) import JWTValidation
import Measurement
import TokenMint

/// `jwtbench profile --jwe`: the cost of a nested JWT's validation by stage (`JWEStageProbe`), for RS256 inside
/// RSA-OAEP + A256GCM and ES256 inside ECDH-ES+A256KW + A256GCM (the catalogue's test keys and
/// claims): the CEK's recovery, the content's decryption, the inner signature, the inner
/// token's other checks, and the rest (JWE parsing, base64url, header, allocation), each timed
/// alone in the same interleaved rounds as the whole validation (medians, one thread).
/// `bench/jwe.sh` sets them next to `openssl speed`'s cost of the same primitives.
public struct JWEStageProfiler {
    /// One profiled case.
    public struct Result: Sendable {
        public let name: String
        public let tokenBytes: Int
        public let plaintextBytes: Int
        /// (stage, median ns), in validation order; the last is the whole validation.
        public let stages: [(String, Double)]
        /// Per whole validation; nil without jemalloc.
        public let allocations: (allocations: Double, bytes: Double)?

        /// One JSON object (for bench/jwe.sh).
        public var json: String {
            let members = stages.map { "\"\($0.0)\":\(String(format: "%.0f", $0.1))" }.joined(separator: ",")
            return "{\"case\":\"\(name)\",\"token_bytes\":\(tokenBytes),\"plaintext_bytes\":\(plaintextBytes),\(members)}"
        }
    }

    let keySet: TestKeySet
    let size: SizeClass
    let backend: any CryptoBackend
    let now: Int64

    public init(keySet: TestKeySet, size: SizeClass, backend: any CryptoBackend, now: Int64 = Int64(Date().timeIntervalSince1970)) {
        (self.keySet, self.size, self.backend, self.now) = (keySet, size, backend, now)
    }

    /// `profile`, then one JSON line per case (`Result.json`), all through `log`.
    public func report(rounds: Int, log: (String) -> Void) throws {
        for result in try profile(rounds: rounds, log: log) { log(result.json) }
    }

    /// Both cases, `rounds` interleaved rounds each; `log` gets a header and a table per case.
    public func profile(rounds: Int, log: (String) -> Void) throws -> [Result] {
        log("profile --jwe: nested JWTs, \(size.rawValue) claims, median of \(rounds) interleaved rounds, 1 thread, JWE on \(backend.name)")
        return [
            try profile(.rs256, alg: .rsaOAEP, keyName: "jwe-rsa-1", rounds: rounds, log: log),
            try profile(.es256, alg: .ecdhESA256KW, keyName: "jwe-ec256-1", rounds: rounds, log: log),
        ]
    }

    func profile(_ jws: JWSAlgorithm, alg: JWEKeyManagement, keyName: String, rounds: Int, log: (String) -> Void) throws -> Result {
        let enc = JWEContentEncryption.a256GCM
        let plan = MintPlan(algorithms: [jws], variants: try MintPlan.variants("good-plain"), sizes: [size], count: 1, seed: 1, now: now)
        guard let inner = try Minter(keySet: keySet).mint(plan, threads: 1).first?.input.token else {
            throw HarnessError.usage("could not mint a \(jws.rawValue) token")
        }
        let recipient = try CatalogEncryption.key(keyName)
        let token = try JWEEncryption.encrypt(
            Array(inner.utf8), alg: alg, enc: enc, recipient: recipient.publicKey, options: .init(kid: keyName, contentType: "JWT"))
        let key = try JWEDecryptionKey(jwk: recipient, cipher: JWECiphers.named(backend.name) ?? OpenSSLJWECipher())
        let signed = try CatalogValidators(keySet: keySet, backend: backend).validator(for: .standard, keys: .available)
        let rules = signed.rules.with(
            encryption: EncryptionRules(requirement: .nested, keys: [key], allowedKeyManagement: [alg], allowedContentEncryption: [enc]))
        let nested = Validator(rules: rules, keys: signed.keys, locations: signed.locations)
        guard let probe = JWEStageProbe(nested: nested, signed: signed, token: token, now: now) else {
            throw HarnessError.usage("the nested \(jws.rawValue) token was not allowed")
        }
        let name = "\(jws.rawValue) in \(alg.rawValue)+\(enc.rawValue)"
        let count = JWEStageProbe.stages.count
        let n = max(16, StageProfiler.loopCount { probe.run(stage: count - 1) } / 2)
        var timings = [[Double]](repeating: [], count: count)
        for b in 0..<count { _ = StageProfiler.nanoseconds(per: max(1, n / 8)) { probe.run(stage: b) } }
        for r in 0..<max(1, rounds) {
            // Rotate the order each round so no stage always runs right after the same one.
            for j in 0..<count {
                let b = (j + r) % count
                timings[b].append(StageProfiler.nanoseconds(per: n) { probe.run(stage: b) })
            }
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let m = timings.map(median)
        // inner_claims: the inner validation without its signature; jwe_rest: the whole without
        // the key, the content and the inner validation (parsing, base64url, header, copies).
        let stages: [(String, Double)] = [
            ("decrypt_key", m[0]), ("decrypt_content", m[1]), ("inner_signature", m[2]), ("inner_claims", max(0, m[3] - m[2])),
            ("jwe_rest", max(0, m[4] - m[0] - m[1] - m[3])), ("whole_validation", m[4]),
        ]
        let allocations = AllocationCounter.measure(iterations: 500) { _ = nested.validate(token: token, now: now) }
        log("\(name): token \(probe.sizes.token) B, inner \(probe.sizes.plaintext) B")
        for (stage, ns) in stages {
            log(
                "  " + stage.padding(toLength: 18, withPad: " ", startingAt: 0)
                    + String(format: "%10.0f ns  %5.1f%%", ns, 100 * ns / max(1, m[4])))
        }
        if let allocations {
            log(String(format: "  allocations per validation: %.1f (%.0f B)", allocations.allocations, allocations.bytes))
        }
        return Result(
            name: name, tokenBytes: probe.sizes.token, plaintextBytes: probe.sizes.plaintext, stages: stages, allocations: allocations)
    }
}
