import ArgumentParser
import Dispatch
import Foundation
import JOSECrypto
import JWTValidation

/// Raw signature-verify rate per algorithm and OpenSSL call pattern: the ceiling that an
/// end-to-end validation is compared against (issue: "measure the calling patterns").
struct SpeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speed",
        abstract: "Measure raw verify operations per second for each algorithm and OpenSSL call pattern.")

    @Option(help: "Comma-separated JWS algorithms.")
    var alg: String = "RS256,ES256"
    @Option(help: "Call pattern: one-shot, dup, per-thread, or all.")
    var pattern: String = "all"
    @Option(help: "Seconds to measure each cell.")
    var seconds: Double = 2
    @Option(help: "Threads verifying at once (each its own loop).")
    var threads: Int = 1
    @Flag(help: "Also validate a typical token end to end (Validator) with the same key, and report the share of time outside the signature check.")
    var endToEnd = false
    @Option(help: "Interleaved rounds (each cell is measured this many times; the median is printed).")
    var rounds: Int = 3

    func run() throws {
        let algorithms = try alg.split(separator: ",").map { name -> JWSAlgorithm in
            guard let a = JWSAlgorithm(rawValue: String(name)) else { throw ValidationError("unknown algorithm \(name)") }
            return a
        }
        let patterns: [OpenSSLCallPattern]
        if pattern == "all" {
            patterns = OpenSSLCallPattern.allCases
        } else if let p = OpenSSLCallPattern(rawValue: pattern) {
            patterns = [p]
        } else {
            throw ValidationError("unknown pattern \(pattern); use one-shot, dup, per-thread or all")
        }
        guard threads >= 1, seconds > 0 else { throw ValidationError("--threads and --seconds must be positive") }
        print("backend: \(OpenSSLBackend.versionString); threads: \(threads); \(seconds) s per cell; median of \(rounds) interleaved rounds")
        print("alg     case            ops/s     µs/op")
        for algorithm in algorithms {
            let key = try KeyGenerator.generate(for: algorithm, kid: "speed-1")
            let publicKey = algorithm.family == .hmac ? key : key.publicKey
            let now = Int64(Date().timeIntervalSince1970)
            let token = try CompactJWS.sign(
                header: "{\"alg\":\"\(algorithm.rawValue)\",\"typ\":\"JWT\",\"kid\":\"speed-1\"}",
                payload: Self.typicalClaims(now: now),
                with: OpenSSLBackend().makeSigner(key: key, algorithm: algorithm))
            let parts = token.split(separator: ".")
            let message = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
            let signature = Base64URL.decode(String(parts[2]))!
            var cells: [(String, @Sendable () -> Bool)] = []
            for p in patterns {
                let verifier = try OpenSSLBackend(pattern: p).makeVerifier(key: publicKey, algorithm: algorithm)
                guard verifier.verify(signature: signature, message: message) else {
                    throw ValidationError("\(algorithm.rawValue) \(p.rawValue): a good signature did not verify")
                }
                cells.append(("raw " + p.rawValue, { verifier.verify(signature: signature, message: message) }))
            }
            if endToEnd {
                let validator = Validator(
                    rules: ValidationRules(issuers: ["https://issuer.example.com/"], audiences: ["https://api.example.com"],
                                           allowedAlgorithms: [algorithm]),
                    keys: StaticKeyProvider(keys: [publicKey], algorithms: [algorithm]))
                guard validator.validate(token: token, now: now).isAllowed else {
                    throw ValidationError("\(algorithm.rawValue): the typical token was not allowed: \(validator.validate(token: token, now: now))")
                }
                cells.append(("validate", { validator.validate(token: token, now: now).isAllowed }))
            }
            var samples = [[Double]](repeating: [], count: cells.count)
            for _ in 0..<max(1, rounds) {
                for (i, cell) in cells.enumerated() {
                    samples[i].append(Self.measure(threads: threads, seconds: seconds, cell.1))
                }
            }
            var medians: [String: Double] = [:]
            for (i, cell) in cells.enumerated() {
                let rate = samples[i].sorted()[samples[i].count / 2]
                medians[cell.0] = rate
                let name = algorithm.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                let label = cell.0.padding(toLength: 15, withPad: " ", startingAt: 0)
                print("\(name)\(label)\(String(format: "%10.0f", rate))   \(String(format: "%7.2f", 1e6 * Double(threads) / rate))")
            }
            if let e2e = medians["validate"], let raw = medians["raw per-thread"] {
                let outside = 1 - e2e / raw
                print("\(algorithm.rawValue): token \(token.utf8.count) B; validate/raw = \(String(format: "%.3f", e2e / raw)); time outside the signature check: \(String(format: "%.1f", outside * 100))%")
            }
        }
    }

    /// An access token shaped like Auth0's or Okta's, about 600 bytes of claims.
    static func typicalClaims(now: Int64) -> String {
        """
        {"iss":"https://issuer.example.com/","sub":"auth0|5f7c8ec7c33c6c004bbafe82","aud":["https://api.example.com",\
        "https://issuer.example.com/userinfo"],"iat":\(now - 60),"nbf":\(now - 60),"exp":\(now + 3600),\
        "azp":"8aJ3kRnq0fZp2Lq9XyUvTb7cWd4eHs1G","scope":"openid profile email read:orders write:orders read:invoices",\
        "gty":"client-credentials","permissions":["read:orders","write:orders","read:invoices","read:customers",\
        "write:customers"],"org_id":"org_9Qk2LmZx7RtP","https://example.com/roles":["admin","billing"],\
        "jti":"b7e1c2d4-5f6a-4b3c-9d8e-7f6a5b4c3d2e"}
        """
    }

    /// Total operations per second over `threads` threads, each running `body` for `seconds`.
    static func measure(threads: Int, seconds: Double, _ body: @escaping @Sendable () -> Bool) -> Double {
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: threads)
        counts.initialize(repeating: 0)
        defer { counts.deallocate() }
        nonisolated(unsafe) let shared = counts
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = start + UInt64(seconds * 1e9)
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            var n = 0
            var ok = true
            while DispatchTime.now().uptimeNanoseconds < deadline {
                for _ in 0..<16 { ok = body() && ok }
                n += 16
            }
            precondition(ok, "verification failed during measurement")
            shared[t] = n
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Double(counts.reduce(0, +)) / elapsed
    }
}
