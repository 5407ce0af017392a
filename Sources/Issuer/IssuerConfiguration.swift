import JOSECrypto

/// How the embedded identity provider behaves.
public struct IssuerConfiguration: Sendable {
    /// The address to listen on: loopback by default (the issuer is a test fixture).
    public var host: String
    /// 0 picks an ephemeral port; `EmbeddedIssuer.port` tells which after `start()`.
    public var port: Int
    /// The algorithm of every key the issuer makes. Asymmetric only: a JWKS is public, so an
    /// HMAC secret cannot be published in one.
    public var algorithm: JWSAlgorithm
    /// RSA modulus size for RS*/PS* keys.
    public var rsaBits: Int
    /// Rotate on this schedule (nil: only when `rotate()` is called).
    public var rotationInterval: Duration?
    /// How long a key stays published after the issuer stopped signing with it, so that
    /// tokens it signed keep validating until they expire.
    public var overlap: Duration
    /// `Cache-Control: max-age` on JWKS responses, in seconds (nil: no header).
    public var cacheMaxAge: Int?
    /// Added before every response (a slow identity provider).
    public var latency: Duration
    /// The `aud` of minted tokens.
    public var audience: String
    /// Prefix of generated key ids (`<prefix>-<serial>-<random>`).
    public var kidPrefix: String
    /// Public keys published beside the issuer's own (`jwtbench issuer --publish`): another
    /// signer's keys, e.g. the minted catalogue's, so gateways fetch them as from an identity
    /// provider. Never signed with; public members only (`publishing(_:)` strips the rest).
    public var extraKeys: [JWK] = []

    /// An ES256 issuer on an ephemeral loopback port, rotating only on demand, keeping a
    /// retired key published for 60 s, granting `max-age=300`.
    public init(
        host: String = "127.0.0.1", port: Int = 0, algorithm: JWSAlgorithm = .es256, rsaBits: Int = 2048,
        rotationInterval: Duration? = nil, overlap: Duration = .seconds(60), cacheMaxAge: Int? = 300,
        latency: Duration = .zero, audience: String = "https://api.jwtbench.test", kidPrefix: String = "key"
    ) {
        self.host = host
        self.port = port
        self.algorithm = algorithm
        self.rsaBits = rsaBits
        self.rotationInterval = rotationInterval
        self.overlap = overlap
        self.cacheMaxAge = cacheMaxAge
        self.latency = latency
        self.audience = audience
        self.kidPrefix = kidPrefix
    }
}

/// A failure the issuer can be told to produce (`EmbeddedIssuer.setFault`), on both the JWKS
/// and the discovery endpoint.
public enum IssuerFault: Sendable, Hashable, CustomStringConvertible {
    /// Answer with this status and an empty body (503 by default, see `unavailable`).
    case status(Int)
    /// Read the request and never answer (the client's read timeout has to fire).
    case hang
    /// 200 `application/json` with bytes that are not JSON.
    case garbage
    /// 200 `application/json` with a well-formed JSON document of this many bytes, streamed
    /// in 64 KiB writes as the client reads (`EmbeddedIssuer.streamedBytes` counts what got out).
    case oversized(bytes: Int)
    /// Close the connection with a TCP reset instead of answering.
    case reset
    /// Serve exactly this body on the JWKS endpoint (a malformed or malicious key set).
    case body(String, contentType: String)
    /// 200 with the real key set's length announced, then its bytes one at a time, one per
    /// `every`: a server that never quite stops answering (only a total deadline ends it).
    case drip(every: Duration)
    /// 302 back to the same URL, for ever: the client must stop following.
    case redirectLoop

    /// The outage everyone has seen: 503 Service Unavailable.
    public static let unavailable = IssuerFault.status(503)

    /// A short name for logs.
    public var description: String {
        switch self {
        case .status(let code): return "status \(code)"
        case .hang: return "hang"
        case .garbage: return "garbage"
        case .oversized(let n): return "oversized (\(n) bytes)"
        case .reset: return "reset"
        case .body(_, let type): return "custom body (\(type))"
        case .drip(let every): return "drip (1 byte per \(every))"
        case .redirectLoop: return "redirect loop"
        }
    }
}

/// Something the issuer did to its keys, with when (CLOCK_MONOTONIC nanoseconds, the
/// harness's clock), so a report can measure how long until a validator followed.
public struct IssuerEvent: Sendable, Hashable {
    /// What happened.
    public enum Kind: Sendable, Hashable {
        /// The key appeared in the JWKS.
        case published(kid: String)
        /// New tokens are signed with this key.
        case signing(kid: String)
        /// The key left the JWKS (scheduled at rotation; effective from `at`).
        case retired(kid: String)
    }

    /// What happened.
    public let kind: Kind
    /// CLOCK_MONOTONIC nanoseconds.
    public let at: UInt64
}

/// What one rotation did.
public struct IssuerRotation: Sendable, Hashable {
    /// The key now published and signing.
    public let newKid: String
    /// The key no longer signing; it stays published until `previousRetiresAt`.
    public let previousKid: String
    /// When the rotation happened (CLOCK_MONOTONIC nanoseconds).
    public let at: UInt64
    /// When the previous key leaves the JWKS (CLOCK_MONOTONIC nanoseconds).
    public let previousRetiresAt: UInt64
}

extension IssuerConfiguration {
    /// The public keys of `set` that may be published: `oct` secrets are left out and private
    /// members stripped. Returns them and how many keys were left out, so the caller can say so.
    public static func publishing(_ set: JWKSet) -> (keys: [JWK], skippedSecrets: Int) {
        let asymmetric = set.keys.filter { $0.kty != "oct" }
        return (asymmetric.map(\.publicKey), set.keys.count - asymmetric.count)
    }
}
