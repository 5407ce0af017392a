import AsyncHTTPClient
import Foundation
import JOSECrypto
import Logging
import NIOCore

/// Where a remote key set lives.
public enum KeySetLocation: Sendable, Hashable, CustomStringConvertible {
    /// A JWKS URL (ngrok's `additional_jkus`).
    case jwks(String)
    /// An OIDC issuer: the JWKS URL is the `jwks_uri` of
    /// `<issuer>/.well-known/openid-configuration` (jwtbench extension).
    case discovery(issuer: String)

    /// The URL, or the issuer marked as discovered.
    public var description: String {
        switch self {
        case .jwks(let url): return url
        case .discovery(let issuer): return "\(issuer) (OIDC discovery)"
        }
    }
}

/// A key set as fetched: the keys that passed the document checks, those left out and why,
/// and the caching lifetime the server granted.
public struct FetchedKeySet: Sendable {
    /// The URL the set came from.
    public let url: String
    /// Keys that may be used, before fitting them to algorithms (`KeySnapshot` does that).
    public let keys: [JWK]
    /// Members left out by the document checks, with the reason.
    public let skipped: [SkippedKey]
    /// `Cache-Control: max-age` (or zero for `no-store`/`no-cache`), unbounded.
    public let maxAge: Duration?
    /// Size of the response body.
    public let byteCount: Int

    /// A fetched set.
    public init(url: String, keys: [JWK], skipped: [SkippedKey] = [], maxAge: Duration? = nil, byteCount: Int = 0) {
        self.url = url
        self.keys = keys
        self.skipped = skipped
        self.maxAge = maxAge
        self.byteCount = byteCount
    }
}

/// Fetches key sets. The HTTP implementation is `HTTPJWKSFetcher`; tests substitute their own
/// to drive a `RemoteKeyProvider` without a network.
///
/// Blocking on purpose: fetches run on the provider's refresher thread or on a validation
/// worker thread (for `none` and `ttl`, whose point is that validations block), and the HTTP
/// work itself runs on NIO's event loops, so no Swift-concurrency thread is ever parked
/// waiting for another (which, on a two-core machine, can starve the pool).
public protocol JWKSFetching: Sendable {
    /// Fetches and checks the JWKS at `url`. Blocks; never call it from an event loop.
    func fetchKeySet(from url: String) throws(KeySourceError) -> FetchedKeySet
    /// The `jwks_uri` from `issuer`'s OIDC discovery document. Blocks.
    func discoverJWKSURL(issuer: String) throws(KeySourceError) -> String
    /// Releases connections and threads; the fetcher is unusable afterwards.
    func shutdown()
}

/// JWKS and OIDC discovery over HTTP(S) with AsyncHTTPClient: connect and read timeouts, an
/// overall deadline, a response size cap, `Content-Type` and JSON checks, redirects followed
/// at most 3 times. A remote set may not carry secrets (see `JWKSDocument`).
///
/// Owns an `HTTPClient`: call `shutdown()` when done, because the client refuses to be
/// deallocated while running.
public final class HTTPJWKSFetcher: JWKSFetching {
    /// The timeouts and size cap applied to every request.
    public let limits: JWKSFetchLimits
    private let client: HTTPClient
    private let logger: Logger

    /// A fetcher with its own connection pool on the shared NIO event loops.
    public init(limits: JWKSFetchLimits = JWKSFetchLimits(), logger: Logger = Logger(label: "jwtbench.keysources")) {
        self.limits = limits
        self.logger = logger
        var configuration = HTTPClient.Configuration()
        configuration.timeout = HTTPClient.Configuration.Timeout(
            connect: .nanoseconds(limits.connectTimeout.nanoseconds), read: .nanoseconds(limits.readTimeout.nanoseconds))
        configuration.redirectConfiguration = .follow(max: 3, allowCycles: false)
        // A compressed body could expand far past the size cap; JWKS are small anyway.
        configuration.decompression = .disabled
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Shuts the HTTP client down (blocks; not from an event loop or an async context).
    public func shutdown() {
        do { try client.syncShutdown() } catch { logger.debug("HTTP client shutdown: \(error)") }
    }

    /// GETs and checks the JWKS at `url` (see the type's documentation). Blocks.
    public func fetchKeySet(from url: String) throws(KeySourceError) -> FetchedKeySet {
        let (body, maxAge) = try get(url, accept: "application/jwk-set+json, application/json")
        let parsed: JWKSDocument.Parsed
        do {
            parsed = try JWKSDocument.parse(body, remote: true, maxKeys: limits.maxKeys)
        } catch {
            throw error.at(url)
        }
        return FetchedKeySet(url: url, keys: parsed.keys, skipped: parsed.skipped, maxAge: maxAge, byteCount: body.count)
    }

    /// GETs `issuer`'s discovery document and returns its checked `jwks_uri`. Blocks.
    public func discoverJWKSURL(issuer: String) throws(KeySourceError) -> String {
        let url = Self.discoveryURL(issuer: issuer)
        let (body, _) = try get(url, accept: "application/json")
        return try Self.jwksURI(fromDiscovery: body, issuer: issuer, documentURL: url)
    }

    /// `<issuer>/.well-known/openid-configuration`, without doubling a trailing slash
    /// (OpenID Connect Discovery 1.0, section 4).
    public static func discoveryURL(issuer: String) -> String {
        (issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer) + "/.well-known/openid-configuration"
    }

    /// The `jwks_uri` of a discovery document, after checking that the document names the
    /// same issuer (section 4.3: otherwise anyone able to serve that path could hand out keys
    /// for another issuer) and that the URI is one we may fetch keys from.
    public static func jwksURI(fromDiscovery body: Data, issuer: String, documentURL: String) throws(KeySourceError) -> String {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw KeySourceError(source: documentURL, kind: .discovery, message: "the discovery document is not a JSON object")
        }
        guard let named = object["issuer"] as? String else {
            throw KeySourceError(source: documentURL, kind: .discovery, message: "the discovery document has no \"issuer\" string")
        }
        guard named == issuer else {
            throw KeySourceError(
                source: documentURL, kind: .discovery,
                message: "the discovery document names issuer \"\(named)\", not \"\(issuer)\"")
        }
        guard let jwksURI = object["jwks_uri"] as? String else {
            throw KeySourceError(source: documentURL, kind: .discovery, message: "the discovery document has no \"jwks_uri\" string")
        }
        if let problem = KeySetURL.problem(jwksURI) {
            throw KeySourceError(source: documentURL, kind: .discovery, message: "jwks_uri \(jwksURI): \(problem)")
        }
        return jwksURI
    }

    /// GET `url`: status 200, a JSON media type, at most `limits.maxBytes`, within the
    /// timeouts. Returns the body and the `Cache-Control` max-age. Blocks the calling thread
    /// while the request runs on the client's event loops.
    private func get(_ url: String, accept: String) throws(KeySourceError) -> (Data, Duration?) {
        if let problem = KeySetURL.problem(url) { throw KeySourceError(source: url, kind: .other, message: problem) }
        do {
            var request = try HTTPClient.Request(url: url)
            request.headers.add(name: "Accept", value: accept)
            request.headers.add(name: "User-Agent", value: "jwtbench-keysources")
            // The accumulator refuses a declared oversize body before reading it, and stops
            // reading an undeclared one at the cap.
            let accumulator = ResponseAccumulator(request: request, maxBodySize: limits.maxBytes)
            let deadline = NIODeadline.now() + .nanoseconds(limits.totalTimeout.nanoseconds)
            let response = try client.execute(request: request, delegate: accumulator, deadline: deadline, logger: logger)
                .futureResult.wait()
            guard response.status.code == 200 else {
                throw KeySourceError(
                    source: url, kind: .httpStatus, message: "HTTP \(response.status.code) \(response.status.reasonPhrase)")
            }
            let contentType = response.headers.first(name: "content-type")
            guard KeySetHTTP.isJSON(contentType: contentType) else {
                throw KeySourceError(
                    source: url, kind: .contentType,
                    message: "Content-Type is \(contentType.map { "\"\($0)\"" } ?? "missing"), not JSON")
            }
            let maxAge = KeySetHTTP.maxAge(cacheControl: response.headers[canonicalForm: "cache-control"].map(String.init))
            return (response.body.map { Data($0.readableBytesView) } ?? Data(), maxAge)
        } catch let error as KeySourceError {
            throw error
        } catch is ResponseAccumulator.ResponseTooBigError {
            throw KeySourceError(source: url, kind: .tooLarge, message: "the response is larger than \(limits.maxBytes) bytes")
        } catch let error as HTTPClientError {
            switch error {
            case .connectTimeout, .readTimeout, .deadlineExceeded, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout:
                throw KeySourceError(source: url, kind: .timeout, message: "\(error)")
            default:
                throw KeySourceError(source: url, kind: .network, message: "\(error)")
            }
        } catch {
            throw KeySourceError(source: url, kind: .network, message: "\(error)")
        }
    }
}

/// Which URLs keys may be fetched from.
public enum KeySetURL {
    /// Why keys must not be fetched from `url`, or nil. Keys fetched in clear text could be
    /// swapped by anyone on the path, so `https` is required, except to a loopback host (the
    /// embedded test issuer), like the policy parser's rule for `additional_jkus`.
    public static func problem(_ url: String) -> String? {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), let host = parsed.host, !host.isEmpty else {
            return "not an absolute URL"
        }
        switch scheme {
        case "https": return nil
        case "http":
            let loopback = ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased()) || host.hasPrefix("127.")
            return loopback ? nil : "plain http is allowed only to a loopback host; use https"
        default:
            return "scheme \(scheme) is not https"
        }
    }
}
