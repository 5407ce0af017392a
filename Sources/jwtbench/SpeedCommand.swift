import ArgumentParser
import Dispatch
import Foundation
import JOSECrypto
import JWTValidation

/// Raw signature-verify rate per algorithm, OpenSSL call pattern and crypto backend: the ceiling
/// that an end-to-end validation is compared against, and
/// the figures behind `AutoBackend`'s routing table (all backends on the same key and message,
/// interleaved in one run, so their ratio holds on a noisy shared machine).
struct SpeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speed",
        abstract: "Measure raw verify operations per second for each algorithm, OpenSSL call pattern and crypto backend.")

    @Option(help: "Comma-separated JWS algorithms.")
    var alg: String = "RS256,ES256"
    @Option(help: "Call pattern: one-shot, dup, per-thread, per-thread-evp, or all.")
    var pattern: String = "all"
    @Option(help: "Seconds to measure each cell.")
    var seconds: Double = 2
    @Option(help: "Threads verifying at once (each its own loop).")
    var threads: Int = 1
    @Flag(help: "Also validate a typical token end to end (Validator) with the same key, and report the share of time outside the signature check.")
    var endToEnd = false
    @Option(help: "Interleaved rounds (each cell is measured this many times; the median is printed).")
    var rounds: Int = 3
    @Option(help: "Crypto backend: openssl, boringssl, auto, or all (OpenSSL's cells follow --pattern).")
    var backend: String = "openssl"
    @Option(help: "Time cells by wall clock, or by each measuring thread's CPU time (steadier on a loaded, shared machine).")
    var clock: Clock = .wall

    /// How a cell is timed.
    enum Clock: String, ExpressibleByArgument, CaseIterable {
        /// Wall-clock time: what a caller sees, including time the scheduler gave to other processes.
        case wall
        /// Each measuring thread's own CPU time (`CLOCK_THREAD_CPUTIME_ID`), and each thread runs
        /// until it has used `--seconds` of it: the rate no longer depends on how much of a core a
        /// busy machine granted, so ratios between cells hold better (cache and SMT sharing remain).
        case cpu
    }

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
            throw ValidationError("unknown pattern \(pattern); use one-shot, dup, per-thread, per-thread-evp or all")
        }
        let backendNames: [String]
        if backend == "all" {
            backendNames = CryptoBackends.names
        } else if CryptoBackends.named(backend) != nil {
            backendNames = [backend]
        } else {
            throw ValidationError("unknown backend \(backend); use \(CryptoBackends.names.joined(separator: ", ")) or all")
        }
        guard threads >= 1, seconds > 0 else { throw ValidationError("--threads and --seconds must be positive") }
        let libraries = backendNames == ["openssl"] ? OpenSSLBackend.versionString
            : "\(OpenSSLBackend.versionString) + BoringSSL (swift-crypto)"
        let timing = clock == .cpu ? " of each thread's CPU time" : ""
        print("backend: \(libraries); threads: \(threads); \(seconds) s\(timing) per cell; median of \(rounds) interleaved rounds")
        // Labels wider than the original 15 columns (e.g. "validate boringssl") widen the column.
        let labelWidth = max(15, backendNames.map { Self.validateLabel($0).count + 1 }.max() ?? 0)
        print("alg     case".padding(toLength: 8 + labelWidth + 1, withPad: " ", startingAt: 0) + "ops/s     µs/op")
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
            var routes: [String] = []
            for name in backendNames {
                // OpenSSL is measured under each selected call pattern, the others once.
                let variants: [(label: String, backend: any CryptoBackend)] = name == "openssl"
                    ? patterns.map { ("raw " + $0.rawValue, OpenSSLBackend(pattern: $0)) }
                    : [("raw " + name, CryptoBackends.named(name)!)]
                for (label, cryptoBackend) in variants {
                    let verifier = try cryptoBackend.makeVerifier(key: publicKey, algorithm: algorithm)
                    guard verifier.verify(signature: signature, message: message) else {
                        throw ValidationError("\(algorithm.rawValue) \(label): a good signature did not verify")
                    }
                    if name == "auto" { routes.append("auto verifies \(algorithm.rawValue) with \(verifier.backendName)") }
                    cells.append((label, { verifier.verify(signature: signature, message: message) }))
                }
            }
            if endToEnd {
                for name in backendNames {
                    let validator = Validator(
                        rules: ValidationRules(issuers: ["https://issuer.example.com/"], audiences: ["https://api.example.com"],
                                               allowedAlgorithms: [algorithm]),
                        keys: StaticKeyProvider(keys: [publicKey], algorithms: [algorithm], backend: CryptoBackends.named(name)!))
                    guard validator.validate(token: token, now: now).isAllowed else {
                        throw ValidationError("\(algorithm.rawValue): the typical token was not allowed: \(validator.validate(token: token, now: now))")
                    }
                    cells.append((Self.validateLabel(name), { validator.validate(token: token, now: now).isAllowed }))
                }
            }
            var samples = [[Double]](repeating: [], count: cells.count)
            for _ in 0..<max(1, rounds) {
                for (i, cell) in cells.enumerated() {
                    samples[i].append(Self.measure(threads: threads, seconds: seconds, clock: clock, cell.1))
                }
            }
            var medians: [String: Double] = [:]
            for (i, cell) in cells.enumerated() {
                let rate = samples[i].sorted()[samples[i].count / 2]
                medians[cell.0] = rate
                let name = algorithm.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                let label = cell.0.padding(toLength: labelWidth, withPad: " ", startingAt: 0)
                print("\(name)\(label)\(String(format: "%10.0f", rate))   \(String(format: "%7.2f", 1e6 * Double(threads) / rate))")
            }
            for route in routes { print(route) }
            for name in backendNames {
                let rawLabel = name == "openssl" ? "raw per-thread" : "raw " + name
                if let e2e = medians[Self.validateLabel(name)], let raw = medians[rawLabel] {
                    let outside = 1 - e2e / raw
                    let which = name == "openssl" ? "" : " [\(name)]"
                    print("\(algorithm.rawValue)\(which): token \(token.utf8.count) B; validate/raw = \(String(format: "%.3f", e2e / raw)); time outside the signature check: \(String(format: "%.1f", outside * 100))%")
                }
            }
            // The ratio AutoBackend's table is built from: same key, message and run.
            if let boring = medians["raw boringssl"], let openssl = medians["raw per-thread"] {
                let ratio = boring / openssl
                print("\(algorithm.rawValue): boringssl/openssl(per-thread) raw verify rate = \(String(format: "%.3f", ratio)) "
                    + "(\(ratio >= 1 ? "boringssl" : "openssl") faster by \(String(format: "%.1f", (max(ratio, 1 / ratio) - 1) * 100))%)")
            }
        }
    }

    /// The end-to-end cell's label: plain `validate` for OpenSSL, as before backends existed.
    static func validateLabel(_ backend: String) -> String {
        backend == "openssl" ? "validate" : "validate " + backend
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

    /// Total operations per second over `threads` threads, each running `body` for `seconds`
    /// (of wall time, or of its own CPU time: then the rate is the sum of each thread's ops per
    /// CPU second, what the threads would do with a core each).
    static func measure(threads: Int, seconds: Double, clock: Clock = .wall, _ body: @escaping @Sendable () -> Bool) -> Double {
        if clock == .cpu { return measureCPU(threads: threads, seconds: seconds, body) }
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

    private static func measureCPU(threads: Int, seconds: Double, _ body: @escaping @Sendable () -> Bool) -> Double {
        let rates = UnsafeMutableBufferPointer<Double>.allocate(capacity: threads)
        rates.initialize(repeating: 0)
        defer { rates.deallocate() }
        nonisolated(unsafe) let shared = rates
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let start = threadCPUSeconds()
            var used = 0.0
            var n = 0
            var ok = true
            // Reading the thread clock is a system call (~0.3 µs): once per 16 operations keeps
            // it under 1% of even the fastest cell (HMAC, ~2 µs per operation).
            while used < seconds {
                for _ in 0..<16 { ok = body() && ok }
                n += 16
                used = threadCPUSeconds() - start
            }
            precondition(ok, "verification failed during measurement")
            shared[t] = Double(n) / used
        }
        return rates.reduce(0, +)
    }

    /// CPU time the calling thread has used, in seconds.
    private static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
