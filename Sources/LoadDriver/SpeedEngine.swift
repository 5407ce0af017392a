import Foundation
import JOSECrypto
import JWTValidation
import Measurement

/// The engine behind `jwtbench speed`: the raw signature-verify rate per algorithm, OpenSSL call
/// pattern and crypto backend (the ceiling an end-to-end validation is compared against, and the
/// figures behind `AutoBackend`'s routing table). All cells of an algorithm use the same key and
/// message and are interleaved round by round, so their ratios hold on a noisy shared machine.
public struct SpeedEngine: Sendable {
    public let configuration: SpeedConfiguration

    public init(_ configuration: SpeedConfiguration) { self.configuration = configuration }

    /// Measures every cell and sends the table, row by row, to `log`.
    /// - Throws: `HarnessError.failed` when a good signature or the typical token does not
    ///   verify; key generation and signing errors.
    public func run(log: (String) -> Void) throws {
        let c = configuration
        let libraries =
            c.backendNames == ["openssl"]
            ? OpenSSLBackend.versionString
            : "\(OpenSSLBackend.versionString) + BoringSSL (swift-crypto)"
        let timing = c.clock == .cpu ? " of each thread's CPU time" : ""
        log("backend: \(libraries); threads: \(c.threads); \(c.seconds) s\(timing) per cell; median of \(c.rounds) interleaved rounds")
        // Labels wider than the original 15 columns (e.g. "validate boringssl") widen the column.
        let labelWidth = max(15, c.backendNames.map { Self.validateLabel($0).count + 1 }.max() ?? 0)
        log("alg     case".padding(toLength: 8 + labelWidth + 1, withPad: " ", startingAt: 0) + "ops/s     µs/op")
        for algorithm in c.algorithms {
            try measure(algorithm, labelWidth: labelWidth, log: log)
        }
    }

    private func measure(_ algorithm: JWSAlgorithm, labelWidth: Int, log: (String) -> Void) throws {
        let c = configuration
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
        for name in c.backendNames {
            // OpenSSL is measured under each selected call pattern, the others once.
            let variants: [(label: String, backend: any CryptoBackend)] =
                name == "openssl"
                ? c.patterns.map { ("raw " + $0.rawValue, OpenSSLBackend(pattern: $0)) }
                : [("raw " + name, CryptoBackends.named(name)!)]
            for (label, cryptoBackend) in variants {
                let verifier = try cryptoBackend.makeVerifier(key: publicKey, algorithm: algorithm)
                guard verifier.verify(signature: signature, message: message) else {
                    throw HarnessError.failed("\(algorithm.rawValue) \(label): a good signature did not verify")
                }
                if name == "auto" { routes.append("auto verifies \(algorithm.rawValue) with \(verifier.backendName)") }
                cells.append((label, { verifier.verify(signature: signature, message: message) }))
            }
        }
        if c.endToEnd {
            for name in c.backendNames {
                let validator = Validator(
                    rules: ValidationRules(
                        issuers: ["https://issuer.example.com/"], audiences: ["https://api.example.com"],
                        allowedAlgorithms: [algorithm]),
                    keys: StaticKeyProvider(keys: [publicKey], algorithms: [algorithm], backend: CryptoBackends.named(name)!))
                guard validator.validate(token: token, now: now).isAllowed else {
                    throw HarnessError.failed(
                        "\(algorithm.rawValue): the typical token was not allowed: \(validator.validate(token: token, now: now))")
                }
                cells.append((Self.validateLabel(name), { validator.validate(token: token, now: now).isAllowed }))
            }
        }
        var samples = [[Double]](repeating: [], count: cells.count)
        for _ in 0..<max(1, c.rounds) {
            for (i, cell) in cells.enumerated() {
                samples[i].append(ThroughputMeter.measure(threads: c.threads, seconds: c.seconds, clock: c.clock, cell.1))
            }
        }
        var medians: [String: Double] = [:]
        var rounds: [String: [Double]] = [:]
        for (i, cell) in cells.enumerated() {
            let rate = samples[i].sorted()[samples[i].count / 2]
            medians[cell.0] = rate
            rounds[cell.0] = samples[i]
            let name = algorithm.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
            let label = cell.0.padding(toLength: labelWidth, withPad: " ", startingAt: 0)
            log("\(name)\(label)\(String(format: "%10.0f", rate))   \(String(format: "%7.2f", 1e6 * Double(c.threads) / rate))")
        }
        for route in routes { log(route) }
        for name in c.backendNames {
            let rawLabel = name == "openssl" ? "raw per-thread" : "raw " + name
            if let e2e = rounds[Self.validateLabel(name)], let raw = rounds[rawLabel] {
                let which = name == "openssl" ? "" : " [\(name)]"
                let outside = Self.outsideShare(validateRates: e2e, rawRates: raw)
                log(
                    "\(algorithm.rawValue)\(which): token \(token.utf8.count) B; validate/raw = \(String(format: "%.3f", outside.ratio)); time outside the signature check: \(outside.text)"
                )
            }
        }
        // The ratio AutoBackend's table is built from: same key, message and run.
        if let boring = medians["raw boringssl"], let openssl = medians["raw per-thread"] {
            let ratio = boring / openssl
            log(
                "\(algorithm.rawValue): boringssl/openssl(per-thread) raw verify rate = \(String(format: "%.3f", ratio)) "
                    + "(\(ratio >= 1 ? "boringssl" : "openssl") faster by \(String(format: "%.1f", (max(ratio, 1 / ratio) - 1) * 100))%)")
        }
    }

    /// The share of a validation spent outside the signature check, from the validate and raw
    /// cells' rates in the same interleaved rounds: per round 1 - validate/raw, the median, and
    /// how much the rounds disagree (median absolute deviation). A share not above that noise (a
    /// validation measured as fast as the bare check, which it cannot be) is `belowNoise`, never
    /// a negative percentage.
    public struct OutsideShare: Sendable, Equatable {
        /// The median per-round validate/raw rate ratio.
        public let ratio: Double
        /// The median per-round share (may be negative when the rounds were noisy).
        public let share: Double
        public let noise: Double
        public var belowNoise: Bool { share <= noise }
        /// The share the report prints: nil when below noise, never negative.
        public var reported: Double? { belowNoise ? nil : share }
        /// "12.3%" or "below noise (...)"; never a negative number.
        public var text: String {
            guard let reported else {
                return share > 0
                    ? String(format: "below noise (%.1f%%, rounds disagree by ±%.1f%%)", share * 100, noise * 100)
                    : String(format: "below noise (validate measured at least as fast as raw; rounds disagree by ±%.1f%%)", noise * 100)
            }
            return String(format: "%.1f%%", reported * 100)
        }
    }

    /// `OutsideShare` from the rates (ops/s) of the same rounds, round by round.
    public static func outsideShare(validateRates: [Double], rawRates: [Double]) -> OutsideShare {
        let pairs = zip(validateRates, rawRates).filter { $0.1 > 0 }
        let ratios = pairs.map { $0.0 / $0.1 }
        let shares = ratios.map { 1 - $0 }
        return OutsideShare(
            ratio: StageProfile.median(ratios), share: StageProfile.median(shares), noise: StageProfile.deviation(shares))
    }

    /// The end-to-end cell's label: plain `validate` for OpenSSL, as before backends existed.
    static func validateLabel(_ backend: String) -> String {
        backend == "openssl" ? "validate" : "validate " + backend
    }

    /// An access token's claims shaped like Auth0's or Okta's, about 600 bytes, valid from
    /// `now - 60` for an hour (also bench/'s fixture).
    public static func typicalClaims(now: Int64) -> String {
        """
        {"iss":"https://issuer.example.com/","sub":"auth0|5f7c8ec7c33c6c004bbafe82","aud":["https://api.example.com",\
        "https://issuer.example.com/userinfo"],"iat":\(now - 60),"nbf":\(now - 60),"exp":\(now + 3600),\
        "azp":"8aJ3kRnq0fZp2Lq9XyUvTb7cWd4eHs1G","scope":"openid profile email read:orders write:orders read:invoices",\
        "gty":"client-credentials","permissions":["read:orders","write:orders","read:invoices","read:customers",\
        "write:customers"],"org_id":"org_9Qk2LmZx7RtP","https://example.com/roles":["admin","billing"],\
        "jti":"b7e1c2d4-5f6a-4b3c-9d8e-7f6a5b4c3d2e"}
        """
    }
}
