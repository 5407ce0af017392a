import Foundation
import JOSECrypto
import NIOCore
import Synchronization

import struct NIOConcurrencyHelpers.NIOLock
import struct NIOConcurrencyHelpers.NIOLockedValueBox

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CLOCK_MONOTONIC in nanoseconds: the clock of issuer events and fault windows, the same one
/// the harness measures latency with.
enum IssuerClock {
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}

/// Everything the HTTP handlers and the control API share: the key ring, the fault settings
/// and the counters. Each part behind its own lock, held only to copy values out.
final class IssuerState: Sendable {
    struct IssuedKey: Sendable {
        let kid: String
        let privateKey: JWK
        let publicKey: JWK
        let signer: any SignatureSigner
        /// When the key leaves the JWKS (nil: not scheduled).
        var retireAt: UInt64?
    }

    struct KeyRing: Sendable {
        var keys: [IssuedKey] = []
        var signingKid = ""
        var serial = 0
        var events: [IssuerEvent] = []
        /// The last JWKS body and the kids it holds, reused while they do not change.
        var cachedKids: [String] = []
        var cachedJWKS = ""
    }

    struct Faults: Sendable {
        var fault: IssuerFault?
        /// The fault ends at this instant (nil: until cleared).
        var until: UInt64?
        var latency: Duration
        var cacheMaxAge: Int?
    }

    let configuration: IssuerConfiguration
    let ring = NIOLockedValueBox(KeyRing())
    let faults: NIOLockedValueBox<Faults>
    let boundPort = Atomic<Int>(0)
    let jwksRequests = Atomic<Int>(0)
    let discoveryRequests = Atomic<Int>(0)
    let faultedResponses = Atomic<Int>(0)
    /// Body bytes of `oversized` responses the socket accepted (the client read them or the
    /// kernel buffered them): a client that stops at its cap leaves most of the body unsent.
    let streamedBytes = Atomic<Int>(0)
    let channels = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])

    init(configuration: IssuerConfiguration) throws {
        guard configuration.algorithm.family != .hmac else {
            throw IssuerError("an issuer publishes its keys in a JWKS; \(configuration.algorithm.rawValue) would publish a secret")
        }
        self.configuration = configuration
        faults = NIOLockedValueBox(Faults(fault: nil, until: nil, latency: configuration.latency, cacheMaxAge: configuration.cacheMaxAge))
        let first = try makeKey()
        let now = IssuerClock.now()
        ring.withLockedValue { ring in
            ring.keys = [first]
            ring.signingKid = first.kid
            ring.events = [IssuerEvent(kind: .published(kid: first.kid), at: now), IssuerEvent(kind: .signing(kid: first.kid), at: now)]
        }
    }

    var issuer: String { "http://\(hostForURL):\(boundPort.load(ordering: .acquiring))" }
    var jwksURL: String { issuer + "/jwks.json" }

    private var hostForURL: String {
        let host = configuration.host
        return host.contains(":") ? "[\(host)]" : host
    }

    // MARK: keys

    func makeKey() throws -> IssuedKey {
        let serial = ring.withLockedValue { ring -> Int in
            ring.serial += 1
            return ring.serial
        }
        let suffix = try KeyGenerator.randomBytes(3).map { String(format: "%02x", $0) }.joined()
        let kid = "\(configuration.kidPrefix)-\(serial)-\(suffix)"
        let key = try KeyGenerator.generate(for: configuration.algorithm, kid: kid, rsaBits: configuration.rsaBits)
        let signer = try OpenSSLBackend().makeSigner(key: key, algorithm: configuration.algorithm)
        return IssuedKey(kid: kid, privateKey: key, publicKey: key.publicKey, signer: signer, retireAt: nil)
    }

    /// Publishes a new key, signs with it from now on, and schedules the previous signing key
    /// to leave the JWKS after `overlap`. The key is generated before the lock is taken, so
    /// requests are never held up by key generation.
    func rotate(overlap: Duration) throws -> IssuerRotation {
        let new = try makeKey()
        let now = IssuerClock.now()
        let retireAt = now &+ UInt64(max(0, overlap.nanosecondsClamped))
        return ring.withLockedValue { ring in
            let previous = ring.signingKid
            ring.keys.append(new)
            ring.signingKid = new.kid
            if let index = ring.keys.firstIndex(where: { $0.kid == previous }), ring.keys[index].retireAt == nil {
                ring.keys[index].retireAt = retireAt
                ring.events.append(IssuerEvent(kind: .retired(kid: previous), at: retireAt))
            }
            ring.events.append(IssuerEvent(kind: .published(kid: new.kid), at: now))
            ring.events.append(IssuerEvent(kind: .signing(kid: new.kid), at: now))
            return IssuerRotation(newKid: new.kid, previousKid: previous, at: now, previousRetiresAt: retireAt)
        }
    }

    /// Takes `kid` out of the JWKS now (or leaves an earlier scheduled retirement alone).
    /// Returns false for an unknown kid or the current signing key.
    func retire(kid: String) -> Bool {
        let now = IssuerClock.now()
        return ring.withLockedValue { ring in
            guard kid != ring.signingKid, let index = ring.keys.firstIndex(where: { $0.kid == kid }) else { return false }
            if let scheduled = ring.keys[index].retireAt, scheduled <= now { return true }
            ring.keys[index].retireAt = now
            ring.events.removeAll { $0.kind == .retired(kid: kid) }
            ring.events.append(IssuerEvent(kind: .retired(kid: kid), at: now))
            return true
        }
    }

    /// The keys in the JWKS at `now`, newest first.
    func publishedKeys(at now: UInt64) -> [IssuedKey] {
        ring.withLockedValue { ring in ring.keys.filter { $0.retireAt.map { now < $0 } ?? true }.reversed() }
    }

    /// The JWKS body at `now` (serialised once per change of the published set).
    func jwksBody(at now: UInt64) -> String {
        ring.withLockedValue { ring in
            let published = ring.keys.filter { $0.retireAt.map { now < $0 } ?? true }.reversed()
            let kids = published.map(\.kid)
            if kids != ring.cachedKids || ring.cachedJWKS.isEmpty {
                ring.cachedJWKS = JWKSet(keys: published.map(\.publicKey) + configuration.extraKeys).jsonString()
                ring.cachedKids = kids
            }
            return ring.cachedJWKS
        }
    }

    func signingKey() -> IssuedKey {
        ring.withLockedValue { ring in ring.keys.first { $0.kid == ring.signingKid }! }
    }

    func key(kid: String) -> IssuedKey? {
        ring.withLockedValue { ring in ring.keys.first { $0.kid == kid } }
    }

    // MARK: requests

    /// What to do with one request.
    enum Plan {
        case respond(status: Int, contentType: String, body: String, cacheControl: String?)
        case oversized(bytes: Int)
        case drip(body: String, every: Duration)
        case redirect(location: String)
        case garbage
        case hang
        case reset
    }

    /// Decides the response to `path` (counting JWKS and discovery requests) and the delay.
    func plan(method: String, path: String) -> (Plan, Duration) {
        let now = IssuerClock.now()
        let (fault, latency, maxAge) = faults.withLockedValue { f -> (IssuerFault?, Duration, Int?) in
            if let until = f.until, now >= until {
                f.fault = nil
                f.until = nil
            }
            return (f.fault, f.latency, f.cacheMaxAge)
        }
        let isJWKS = path == "/jwks.json"
        let isDiscovery = path == "/.well-known/openid-configuration"
        guard isJWKS || isDiscovery else {
            return (.respond(status: 404, contentType: "text/plain", body: "not found\n", cacheControl: nil), latency)
        }
        guard method == "GET" || method == "HEAD" else {
            return (.respond(status: 405, contentType: "text/plain", body: "method not allowed\n", cacheControl: nil), latency)
        }
        if isJWKS {
            jwksRequests.add(1, ordering: .relaxed)
        } else {
            discoveryRequests.add(1, ordering: .relaxed)
        }
        if let fault {
            faultedResponses.add(1, ordering: .relaxed)
            switch fault {
            case .status(let code):
                return (.respond(status: code, contentType: "text/plain", body: "", cacheControl: nil), latency)
            case .hang: return (.hang, latency)
            case .garbage: return (.garbage, latency)
            case .oversized(let bytes): return (.oversized(bytes: bytes), latency)
            case .reset: return (.reset, latency)
            case .drip(let every): return (.drip(body: jwksBody(at: now), every: every), latency)
            case .redirectLoop: return (.redirect(location: issuer + path), latency)
            case .body(let body, let type):
                if isJWKS {
                    return (
                        .respond(status: 200, contentType: type, body: body, cacheControl: maxAge.map { "public, max-age=\($0)" }), latency
                    )
                }
            }
        }
        if isJWKS {
            return (
                .respond(
                    status: 200, contentType: "application/json", body: jwksBody(at: now),
                    cacheControl: maxAge.map { "public, max-age=\($0)" }), latency
            )
        }
        let discovery = """
            {"issuer":"\(issuer)","jwks_uri":"\(jwksURL)","id_token_signing_alg_values_supported":["\(configuration.algorithm.rawValue)"],\
            "response_types_supported":["code"],"subject_types_supported":["public"]}
            """
        return (.respond(status: 200, contentType: "application/json", body: discovery, cacheControl: nil), latency)
    }

    func setFault(_ fault: IssuerFault?, for duration: Duration?) {
        let until = duration.map { IssuerClock.now() &+ UInt64(max(0, $0.nanosecondsClamped)) }
        faults.withLockedValue { f in
            f.fault = fault
            f.until = fault == nil ? nil : until
        }
    }
}

/// The issuer cannot do what it was asked.
public struct IssuerError: Error, Sendable, CustomStringConvertible {
    /// What the issuer cannot do.
    public let message: String
    /// An error with a message naming the problem.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

extension Duration {
    /// Whole nanoseconds, saturating at `Int64`'s range.
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow2 ? (seconds < 0 ? .min : .max) : sum
    }
}
