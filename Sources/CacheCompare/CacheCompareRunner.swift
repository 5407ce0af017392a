import Foundation
import JOSECrypto
import JWTValidation
import Measurement

/// `jwtbench cache-compare`: every strategy through every scenario, one cell at a time (cells
/// never overlap: they share the cores, and a neighbour's fetch storm would pollute the
/// measurement).
public struct CacheCompareRunner: Sendable {
    /// What to run.
    public let configuration: CacheCompareConfiguration

    /// A runner for `configuration` (validated by `run`).
    public init(configuration: CacheCompareConfiguration) {
        self.configuration = configuration
    }

    /// Runs every cell in order, calling `log` with one line per cell. Blocks; call it from a
    /// thread, not an event loop or a Swift-concurrency task.
    public func run(log: (String) -> Void = { _ in }) throws -> CacheCompareReport {
        try configuration.validate()
        let interval = try Self.expectedInterval(threads: configuration.threads)
        var cells: [CacheCompareCellResult] = []
        var skipped: [String] = []
        for scenario in configuration.scenarios {
            for strategy in configuration.strategies {
                if strategy == CacheCompareConfiguration.staticKeys && scenario == .rotation {
                    // Fixed keys cannot follow a rotation by construction: the retired key
                    // would be a false accept of the configuration, not of a cache.
                    skipped.append("static/rotation: fixed keys cannot follow a rotation")
                    continue
                }
                let cell = try CacheCompareCell.run(
                    strategy: strategy, scenario: scenario, configuration: configuration,
                    expectedInterval: interval)
                log(Self.line(cell))
                cells.append(cell)
            }
        }
        let notes = [
            "Each cell: a fresh embedded issuer (ES256, loopback, ephemeral port) and a fresh provider; \(configuration.threads) worker threads, closed loop; each request runs prepareForValidation() (where none/ttl block) then validates.",
            "Latency is prepare + validate per request. Corrected percentiles use HdrHistogram's coordinated-omission correction with an expected interval of \(interval / 1000) µs (one static-key ES256 validation on this machine, times threads per core): a stall counts the requests that would have queued behind it.",
            "Time is scaled down for short cells: the issuer grants max-age=1 in rotation, slow-idp and idp-outage (900 s otherwise), every strategy gets min_ttl=1s, and refetching strategies a \(Self.format(configuration.cooldownSeconds)) unknown-kid cooldown. The other knobs are the defaults (retry 5 s after a failure for the background/stale strategies, max_stale 1 h).",
            "Fetches are the issuer's own count of JWKS requests in the cell, including the first load before the measurement.",
            "False reject: a token that had to be allowed (signed with a published key) was denied. False accept: a forged token (random kid) or a token signed with the retired key more than max-age + 0.5 s after its retirement was allowed. Retired-key tokens within that grace, or sent before the retirement and decided after it, are not graded.",
        ]
        return CacheCompareReport(configuration: configuration, cells: cells, skipped: skipped, notes: notes)
    }

    /// The console line for a finished cell.
    static func line(_ c: CacheCompareCellResult) -> String {
        "\(c.strategy)/\(c.scenario.rawValue): \(String(format: "%.0f", c.operationsPerSecond)) ops/s, "
            + "p99 \(CacheCompareMarkdown.duration(c.correctedLatencyNanos.p99)), \(c.issuerFetches) fetches, "
            + "\(c.falseRejects) false rejects, \(c.falseAccepts) false accepts"
    }

    /// The coordinated-omission correction's expected interval: the mean time of one ES256
    /// validation with static keys on one thread, scaled by the threads sharing each core.
    static func expectedInterval(threads: Int) throws -> UInt64 {
        let key = try KeyGenerator.generate(for: .es256, kid: "calibration")
        let signer = try OpenSSLBackend().makeSigner(key: key, algorithm: .es256)
        let now = Int64(Date().timeIntervalSince1970)
        let token = try CompactJWS.sign(
            header: "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"calibration\"}",
            payload: "{\"iss\":\"https://calibration.test\",\"iat\":\(now),\"exp\":\(now + 3600)}", with: signer)
        let validator = Validator(
            rules: ValidationRules(issuers: ["https://calibration.test"], allowedAlgorithms: [.es256]),
            keys: StaticKeyProvider(keys: [key.publicKey], algorithms: [.es256]))
        for _ in 0..<200 { _ = validator.validate(token: token, now: now) }
        let rounds = 1000
        let start = MonotonicClock.now()
        for _ in 0..<rounds { _ = validator.validate(token: token, now: now) }
        let mean = (MonotonicClock.now() - start) / UInt64(rounds)
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        return max(1000, mean * UInt64(max(1, (threads + cores - 1) / cores)))
    }

    private static func format(_ seconds: Double) -> String {
        seconds >= 1 && seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(Int((seconds * 1000).rounded())) ms"
    }
}
