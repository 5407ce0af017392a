import Foundation
import Issuer
import JOSECrypto
import JWTValidation
import Measurement
import Synchronization

/// The tokens a cell sends, minted before timing starts, and which one request `i` of a
/// worker gets. The current-key pool is replaced once, when the issuer rotates; workers see
/// the switch through an atomic and copy the new pool once.
final class CacheCompareTokenStream: Sendable {
    /// Distinct tokens per pool (repeats are realistic: clients reuse a token until it expires,
    /// and the verified-token cache lives on that).
    static let poolSize = 64
    /// Distinct forged kids (each minted once; every one of them is unknown to the issuer).
    static let forgedPoolSize = 4096

    /// One in this many requests is forged (0: none).
    let forgedEvery: Int
    /// One in this many requests uses the retiring key (0: none).
    let retiringEvery: Int
    let retiring: [String]
    let forged: [String]
    private let pools: Mutex<[[String]]>
    private let generation = Atomic<Int>(0)
    /// When the current pool last switched (monotonic ns), 0 before any switch.
    private let switched = Atomic<UInt64>(0)
    /// When the issuer retires the first key (monotonic ns); `.max` while none is scheduled.
    private let retirement = Atomic<UInt64>(.max)
    /// How long after the retirement a retired-key token may still be allowed: a correct cache
    /// keeps the set it fetched just before the retirement for its max-age, plus a refresh.
    let graceNanoseconds: UInt64

    init(issuer: EmbeddedIssuer, now: Int64, forgedEvery: Int, retiringEvery: Int, graceNanoseconds: UInt64 = 0) throws {
        self.graceNanoseconds = graceNanoseconds
        self.forgedEvery = forgedEvery
        self.retiringEvery = retiringEvery
        let first = try Self.mint(issuer, now: now, kid: nil)
        pools = Mutex([first])
        retiring = retiringEvery > 0 ? first : []
        forged = try forgedEvery > 0 ? Self.forge(issuer, now: now) : []
    }

    /// Mints a pool signed with the issuer's current key (or `kid`).
    static func mint(_ issuer: EmbeddedIssuer, now: Int64, kid: String?) throws -> [String] {
        try (0..<poolSize).map { try issuer.token(now: now, subject: "user-\($0)", kid: kid) }
    }

    /// Tokens claiming this issuer, each with its own random kid, signed by a key the issuer
    /// never published: the forgery a flood of unknown kids is made of.
    static func forge(_ issuer: EmbeddedIssuer, now: Int64) throws -> [String] {
        let attacker = try KeyGenerator.generate(for: .es256, kid: "attacker")
        let signer = try OpenSSLBackend().makeSigner(key: attacker, algorithm: .es256)
        let payload =
            "{\"iss\":\"\(issuer.issuer)\",\"sub\":\"attacker\",\"aud\":\"\(issuer.configuration.audience)\",\"iat\":\(now),\"exp\":\(now + 3600)}"
        return try (0..<forgedPoolSize).map { _ in
            let kid = try KeyGenerator.randomBytes(8).map { String(format: "%02x", $0) }.joined()
            return try CompactJWS.sign(
                header: "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"forged-\(kid)\"}", payload: payload, with: signer)
        }
    }

    /// Makes `pool` the current-key pool from now on; returns the instant of the switch.
    @discardableResult
    func switchPool(to pool: [String]) -> UInt64 {
        let count = pools.withLock { pools -> Int in
            pools.append(pool)
            return pools.count - 1
        }
        let at = MonotonicClock.now()
        switched.store(at, ordering: .releasing)
        generation.store(count, ordering: .releasing)
        return at
    }

    /// The generation of the current pool (bumped by `switchPool`), and the pool.
    var currentGeneration: Int { generation.load(ordering: .acquiring) }
    func pool(_ generation: Int) -> [String] { pools.withLock { $0[generation] } }
    /// When the pool switched (0: never).
    var switchedAt: UInt64 { switched.load(ordering: .acquiring) }

    /// Records when the issuer retires the first key (from its rotation).
    func setRetirement(at instant: UInt64) { retirement.store(instant, ordering: .releasing) }
    /// When the first key leaves the JWKS (`.max`: not scheduled).
    var retiredAt: UInt64 { retirement.load(ordering: .acquiring) }

    /// The kind of a worker's request number `i`: a fixed interleaving, so every worker sends
    /// the same shares whatever its speed.
    @inline(__always)
    func kind(_ i: Int) -> CacheCompareTokenKind {
        if forgedEvery > 0 && i % forgedEvery == 0 { return .forged }
        if retiringEvery > 0 && i % retiringEvery == 1 { return .retiring }
        return .current
    }
}
