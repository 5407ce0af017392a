import Foundation
import JOSECrypto
import JWTValidation
import KeySources
import Policy
import Synchronization

/// Keys, tokens and validators shared by the suites.
enum Fixture {
    static let issuer = "https://issuer.keysources.test/"
    static let now: Int64 = 1_700_000_000

    static func ecKey(_ kid: String) -> JWK {
        // Key generation only fails if OpenSSL is broken, which every other test would show.
        try! KeyGenerator.generate(for: .es256, kid: kid)
    }

    static func token(_ key: JWK, kid: String? = nil, iss: String = issuer, now: Int64 = now, lifetime: Int64 = 3600) -> String {
        let header = "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"\(kid ?? key.kid ?? "")\"}"
        let payload = "{\"iss\":\"\(iss)\",\"sub\":\"u1\",\"iat\":\(now),\"nbf\":\(now),\"exp\":\(now + lifetime)}"
        let signer = try! OpenSSLBackend().makeSigner(key: key, algorithm: .es256)
        return try! CompactJWS.sign(header: header, payload: payload, with: signer)
    }

    static func validator(_ keys: any KeyProvider, issuer: String = issuer) -> Validator {
        Validator(rules: ValidationRules(issuers: [issuer], allowedAlgorithms: [.es256]), keys: keys)
    }

    static func strategy(_ name: String, _ options: [String: String] = [:]) -> KeyCacheStrategy {
        try! KeyCacheStrategy(settings: KeyCacheSettings(strategy: name, options: options))
    }

    static func set(_ keys: [JWK]) -> String { JWKSet(keys: keys.map(\.publicKey)).jsonString() }

    /// A public P-256 key whose point is off the curve (the last bit of y flipped).
    static func offCurveKey(_ kid: String) -> JWK {
        var key = ecKey(kid).publicKey
        var y = Base64URL.decode(key.y!)!
        y[y.count - 1] ^= 0x01
        key.y = Base64URL.encode(y)
        return key
    }

    /// A base64url RSA modulus of `bytes` bytes (odd, top bit set): the size is what matters.
    static func modulus(bytes: Int) -> String { Base64URL.encode([0xC3] + [UInt8](repeating: 0x5A, count: bytes - 1)) }
}

/// A key-set server without a network: answers from a body set by the test, through the same
/// document checks the HTTP fetcher applies, and counts calls.
final class FakeFetcher: JWKSFetching {
    private let response = Mutex<Result<(String, Duration?), KeySourceError>>(
        .failure(KeySourceError(source: "fake", kind: .network, message: "nothing served yet")))
    private let calls = Atomic<Int>(0)
    private let delayNanoseconds = Atomic<Int64>(0)

    var fetchCount: Int { calls.load(ordering: .acquiring) }

    func serve(_ body: String, maxAge: Duration? = nil) { response.withLock { $0 = .success((body, maxAge)) } }
    func serve(keys: [JWK], maxAge: Duration? = nil) { serve(Fixture.set(keys), maxAge: maxAge) }
    func fail(_ kind: KeySourceError.Kind = .httpStatus, _ message: String = "HTTP 503") {
        response.withLock { $0 = .failure(KeySourceError(source: "fake", kind: kind, message: message)) }
    }
    /// Each fetch takes this long (real time), to let concurrent validations pile up.
    func delay(_ d: Duration) { delayNanoseconds.store(d.nanoseconds, ordering: .releasing) }

    func fetchKeySet(from url: String) throws(KeySourceError) -> FetchedKeySet {
        calls.add(1, ordering: .acquiringAndReleasing)
        let delay = delayNanoseconds.load(ordering: .acquiring)
        if delay > 0 { usleep(UInt32(delay / 1000)) }
        let (body, maxAge) = try response.withLock { $0 }.get()
        do {
            let parsed = try JWKSDocument.parse(Data(body.utf8), remote: true)
            return FetchedKeySet(url: url, keys: parsed.keys, skipped: parsed.skipped, maxAge: maxAge, byteCount: body.utf8.count)
        } catch {
            throw error.at(url)
        }
    }

    func discoverJWKSURL(issuer: String) throws(KeySourceError) -> String { issuer + "/jwks.json" }
    func shutdown() {}
}

/// A counter threads can share (an `Atomic` cannot be captured by an escaping closure).
final class Counter: Sendable {
    private let n = Atomic<Int>(0)
    var value: Int { n.load(ordering: .acquiring) }
    func add(_ k: Int = 1) { n.add(k, ordering: .acquiringAndReleasing) }
}
