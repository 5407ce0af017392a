import Foundation
import JOSECrypto
import JWTValidation
import Logging
import Policy

/// Several key sources as one provider (a policy's inline and file keys plus each of its
/// `additional_jkus`): the first source, in policy order, that has the key answers.
///
/// Each remote source keeps its own cache, so one failing JWKS never takes the others' keys
/// down. When no source has the key and one of them is unavailable, the answer is
/// `unavailable` (the key may well be in the set that could not be had); only then, when
/// every source simply lacks the kid, do the remote sources hear about the unknown kid.
public final class KeySourceUnion: KeyProvider, Sendable {
    /// One member of the union.
    public enum Member: Sendable {
        /// Keys fixed at start (inline, files, `--keys`).
        case fixed(KeySnapshot)
        /// A cached remote set.
        case remote(RemoteKeyProvider)
    }

    /// The sources, in the order they are consulted.
    public let members: [Member]

    /// A union of `members`, consulted in order.
    public init(_ members: [Member]) { self.members = members }

    /// The first member's `found`; else `unavailable` if any member is; else `notFound`.
    public func lookup(kid: UnsafeRawBufferPointer?, algorithm: JWSAlgorithm) -> KeyLookup {
        var unavailable: String?
        for member in members {
            let result: KeyLookup
            switch member {
            case .fixed(let snapshot): result = snapshot.lookup(kid: kid, algorithm: algorithm)
            case .remote(let provider): result = provider.quietLookup(kid: kid, algorithm: algorithm)
            }
            switch result {
            case .found: return result
            case .notFound: continue
            case .unavailable(let why): if unavailable == nil { unavailable = why }
            }
        }
        if let unavailable { return .unavailable(unavailable) }
        if let kid {
            for case .remote(let provider) in members { provider.noteUnknownKid(kid, algorithm: algorithm) }
        }
        return .notFound
    }

    /// Every remote member's preparation (see `RemoteKeyProvider.prepareForValidation()`);
    /// returns the total wait.
    @discardableResult
    public func prepareForValidation() -> Duration {
        members.reduce(.zero) { total, member in
            if case .remote(let provider) = member { return total + provider.prepareForValidation() }
            return total
        }
    }

    /// Changes whenever any remote member publishes (a sum of increasing counters).
    public var generation: UInt64 {
        members.reduce(0) { sum, member in
            if case .remote(let provider) = member { return sum &+ provider.generation }
            return sum
        }
    }
}

/// The key sources a policy names, built and run together: inline keys, key files and extra
/// `--keys` files as one fixed snapshot; each `additional_jkus` URL (or, with the
/// `oidc_discovery` option, each issuer) as a `RemoteKeyProvider` under the policy's
/// `jwtbench.key_cache` strategy, all sharing one HTTP client.
public final class PolicyKeySources: Sendable {
    /// What a `Validator` should use: the single source itself, or a `KeySourceUnion`.
    public let provider: any KeyProvider
    /// One provider per JWKS URL (or discovered issuer), in policy order.
    public let remotes: [RemoteKeyProvider]
    /// The inline and file keys, if any.
    public let fixed: KeySnapshot?
    /// The strategy every remote source runs.
    public let strategy: KeyCacheStrategy
    private let fetcher: HTTPJWKSFetcher?
    /// Where each fixed key came from (a key file's path, or the policy's inline keys), by
    /// kid (`""` for keys without one), so a skipped key's message can name its file.
    let fixedKeyOrigins: [String: [String]]

    /// Builds the sources; nothing is fetched until `start()` or `prime`.
    ///
    /// - Parameters:
    ///   - extraKeyFiles: JWK Set (or single JWK) files added to the policy's own.
    ///   - strategy: overrides the policy's `key_cache` (nil: the policy's, else `default`).
    ///   - backend: overrides the policy's `crypto_backend` (nil: the policy's, else `auto`).
    /// - Throws: `KeySourceError` for an unreadable key file, `KeyCacheConfigurationError`
    ///   for a bad `key_cache`.
    public init(
        policy: Policy, extraKeyFiles: [String] = [], strategy: KeyCacheStrategy? = nil,
        backend: (any CryptoBackend)? = nil, clock: any KeyCacheClock = SystemKeyCacheClock(),
        logger: Logger = Logger(label: "jwtbench.keysources")
    ) throws {
        let strategy = try strategy ?? KeyCacheStrategy(settings: policy.keyCache)
        // The caller's choice (a command-line flag), else the policy's, else `auto`.
        let backend = backend ?? policy.cryptoBackend.flatMap(CryptoBackends.named) ?? AutoBackend()
        self.strategy = strategy
        var fixedKeys = policy.inlineKeys
        var origins: [String: [String]] = [:]
        func note(_ keys: [JWK], _ origin: String) {
            for key in keys where origins[key.kid ?? "", default: []].last != origin {
                origins[key.kid ?? "", default: []].append(origin)
            }
        }
        note(policy.inlineKeys, "the policy's inline keys")
        for path in policy.keyFiles + extraKeyFiles {
            let keys = try KeyFile.load(path)
            note(keys, path)
            fixedKeys += keys
        }
        fixedKeyOrigins = origins
        fixed =
            fixedKeys.isEmpty
            ? nil
            : KeySnapshot(
                keys: fixedKeys, algorithms: policy.allowedAlgorithms, backend: backend, loadedAt: clock.wallSeconds())
        var locations = policy.additionalJKUs.map { KeySetLocation.jwks($0) }
        if strategy.oidcDiscovery {
            locations += policy.issuers.map { KeySetLocation.discovery(issuer: $0) }
        }
        let fetcher = locations.isEmpty ? nil : HTTPJWKSFetcher(limits: strategy.fetch, logger: logger)
        self.fetcher = fetcher
        remotes = locations.map {
            RemoteKeyProvider(
                location: $0, strategy: strategy, algorithms: policy.allowedAlgorithms,
                fetcher: fetcher, backend: backend, clock: clock, logger: logger)
        }
        var members: [KeySourceUnion.Member] = []
        if let fixed { members.append(.fixed(fixed)) }
        members += remotes.map { .remote($0) }
        if members.count == 1, let only = remotes.first {
            provider = only
        } else if members.count == 1, let fixed {
            provider = StaticKeyProvider(snapshot: fixed)
        } else {
            provider = KeySourceUnion(members)
        }
    }

    /// Whether any key source exists at all.
    public var isEmpty: Bool { fixed == nil && remotes.isEmpty }

    /// Starts every remote source (see `RemoteKeyProvider.start`).
    public func start(background: Bool = true) {
        for remote in remotes { remote.start(background: background) }
    }

    /// Loads every remote source's first set, concurrently, each within `timeout`; returns the
    /// errors of those that could not be loaded (their lookups answer `unavailable`).
    public func prime(timeout: Duration = .seconds(10)) -> [KeySourceError] {
        let errors = ResultBox<[Int: KeySourceError]>()
        errors.set([:])
        let remotes = self.remotes
        DispatchQueue.concurrentPerform(iterations: remotes.count) { index in
            if let error = remotes[index].prime(timeout: timeout) {
                errors.update { $0[index] = error }
            }
        }
        return errors.take().sorted { $0.key < $1.key }.map(\.value)
    }

    /// The provider's preparation (`KeyProvider.prepareForValidation()`); returns the wait.
    @discardableResult
    public func prepareForValidation() -> Duration { provider.prepareForValidation() }

    /// Changes whenever any remote source publishes.
    public var generation: UInt64 { remotes.reduce(0) { $0 &+ $1.generation } }

    /// Stops every remote source and the shared HTTP client. Blocks.
    public func shutdown() {
        for remote in remotes { remote.shutdown() }
        fetcher?.shutdown()
    }
}

/// Local key files: a JWK Set, or one JWK.
public enum KeyFile {
    /// The keys in the file at `path`. Local files may hold secrets (HMAC keys), unlike a
    /// remote JWKS.
    public static func load(_ path: String) throws(KeySourceError) -> [JWK] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KeySourceError(source: path, kind: .file, message: "cannot read the key file")
        }
        let set: JWKSDocument.Parsed
        do {
            set = try JWKSDocument.parse(data, remote: false)
        } catch {
            // An object with a `keys` member is meant as a JWK Set: say what is wrong with it
            // rather than that it is not a JWK either.
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            if let members = object?["keys"] {
                if let list = members as? [Any], list.isEmpty {
                    throw KeySourceError(source: path, kind: .file, message: "a JWK Set with no keys (\"keys\" is empty)")
                }
                throw KeySourceError(source: path, kind: .file, message: "not a valid JWK Set: \(error.message)")
            }
            if let one = try? JWK(json: String(decoding: data, as: UTF8.self)) { return [one] }
            throw KeySourceError(source: path, kind: .file, message: "neither a JWK Set ({\"keys\": [...]}) nor a JWK")
        }
        // A local file is configuration: a malformed key in it is an error to fix, not a key
        // to skip quietly.
        if let first = set.skipped.first {
            throw KeySourceError(source: path, kind: .file, message: "\(first)")
        }
        return set.keys
    }
}

extension PolicyKeySources {
    /// How tokens are decided under `validator` (built over `provider`): through a
    /// verified-token cache keyed to this set's generation when the strategy has one, else by
    /// the validator itself. One place for `verify` and `load --policy` to get it from.
    public func tokenDecider(for validator: Validator) -> @Sendable (String, Int64) -> Decision {
        guard let settings = strategy.tokenCache else {
            return { token, now in validator.validate(token: token, now: now) }
        }
        let cached = CachingValidator(validator: validator, cache: VerifiedTokenCache(settings), keySetGeneration: { self.generation })
        return { token, now in cached.validate(token: token, now: now) }
    }

    /// How requests are decided under `validator`: every configured token through the
    /// verified-token cache when the strategy has one (keyed by token and location), else by
    /// the validator. What the gateway calls per request.
    public func requestDecider(for validator: Validator) -> @Sendable (HTTPRequest, Int64) -> RequestDecision {
        guard let settings = strategy.tokenCache else {
            return { request, now in validator.validate(request: request, now: now) }
        }
        let cached = CachingValidator(validator: validator, cache: VerifiedTokenCache(settings), keySetGeneration: { self.generation })
        return { request, now in
            validator.validate(request: request, now: now) { token, now, location in
                cached.validate(token: token, now: now, location: location)
            }
        }
    }

    /// Whether `prepareForValidation()` can block (a `none` or `ttl` strategy on a remote
    /// source): such validations must not run on an event loop.
    public var validationMayBlock: Bool {
        remotes.contains { $0.strategy.refresh != .ahead }
    }
}
