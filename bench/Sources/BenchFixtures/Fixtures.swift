import Foundation
import JOSECrypto
import JWTKit
import JWTValidation

/// Token sizes measured end to end.
public enum TokenSize: String, CaseIterable, Sendable {
    /// iss, sub, aud (a string), exp: about 130 bytes of claims.
    case small
    /// An Auth0/Okta-like access token: about 600 bytes of claims.
    case typical
    /// A token with many permissions and custom claims: about 4 KiB of claims.
    case large
}

/// Keys, tokens, validators and the jwt-kit peer, built once from the project's test keys
/// (`vectors/keys/*.jwk.json`) so that every benchmark and `bench-compare` verify the same
/// bytes with the same key.
public enum Fixtures {
    public static let issuer = "https://issuer.example.com/"
    public static let audience = "https://api.example.com"
    /// The algorithms the bench covers, with the test key each uses.
    public static let algorithms: [JWSAlgorithm] = [.rs256, .es256]

    public static func keyName(_ algorithm: JWSAlgorithm) -> String {
        switch algorithm {
        case .rs256: return "rs256-1"
        case .es256: return "es256-1"
        default: return algorithm.rawValue.lowercased() + "-1"
        }
    }

    /// `vectors/keys` of the main package, found from this file's place in the checkout
    /// (bench/Sources/BenchFixtures/Fixtures.swift), or from `JWTBENCH_KEYS` when set.
    public static var keysDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["JWTBENCH_KEYS"] {
            return URL(fileURLWithPath: override)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("vectors/keys")
    }

    /// The private JWK of `algorithm`'s test key.
    public static func privateKey(_ algorithm: JWSAlgorithm) throws -> JOSECrypto.JWK {
        let url = keysDirectory.appendingPathComponent(keyName(algorithm) + ".jwk.json")
        return try JOSECrypto.JWK(json: String(decoding: try Data(contentsOf: url), as: UTF8.self))
    }

    /// "Now" for every fixture: tokens are valid from now - 60 s to now + 1 day, so a long
    /// benchmark run never crosses `exp` (jwt-kit checks against the wall clock).
    public static let now: Int64 = Int64(Date().timeIntervalSince1970)

    public static func claims(_ size: TokenSize, now: Int64 = Fixtures.now) -> String {
        switch size {
        case .small:
            return """
            {"iss":"\(issuer)","sub":"auth0|5f7c8ec7c33c6c004bbafe82","aud":"\(audience)","exp":\(now + 86_400)}
            """
        case .typical:
            // Copied from Sources/LoadDriver/SpeedEngine.swift (`typicalClaims`), exp extended.
            return """
            {"iss":"\(issuer)","sub":"auth0|5f7c8ec7c33c6c004bbafe82","aud":["\(audience)",\
            "https://issuer.example.com/userinfo"],"iat":\(now - 60),"nbf":\(now - 60),"exp":\(now + 86_400),\
            "azp":"8aJ3kRnq0fZp2Lq9XyUvTb7cWd4eHs1G","scope":"openid profile email read:orders write:orders read:invoices",\
            "gty":"client-credentials","permissions":["read:orders","write:orders","read:invoices","read:customers",\
            "write:customers"],"org_id":"org_9Qk2LmZx7RtP","https://example.com/roles":["admin","billing"],\
            "jti":"b7e1c2d4-5f6a-4b3c-9d8e-7f6a5b4c3d2e"}
            """
        case .large:
            let resources = ["orders", "invoices", "customers", "products", "shipments", "payments", "refunds",
                             "reports", "accounts", "subscriptions", "coupons", "inventory", "suppliers", "tickets"]
            let permissions = resources.flatMap { r in ["read:\(r)", "write:\(r)", "delete:\(r)", "admin:\(r)"] }
            let permissionList = permissions.map { "\"\($0)\"" }.joined(separator: ",")
            let groups = (1...24).map { "\"group-\($0)-engineering-platform-team\"" }.joined(separator: ",")
            let audiences = ["https://api.example.com", "https://issuer.example.com/userinfo",
                             "https://billing.example.com", "https://reports.example.com"]
                .map { "\"\($0)\"" }.joined(separator: ",")
            return """
            {"iss":"\(issuer)","sub":"auth0|5f7c8ec7c33c6c004bbafe82","aud":[\(audiences)],\
            "iat":\(now - 60),"nbf":\(now - 60),"exp":\(now + 86_400),"azp":"8aJ3kRnq0fZp2Lq9XyUvTb7cWd4eHs1G",\
            "scope":"openid profile email \(permissions.prefix(20).joined(separator: " "))",\
            "gty":"client-credentials","permissions":[\(permissionList)],\
            "https://example.com/groups":[\(groups)],\
            "https://example.com/roles":["admin","billing","support","auditor"],\
            "https://example.com/profile":{"name":"Jane Q. Example","email":"jane@example.com",\
            "email_verified":true,"locale":"en-GB","zoneinfo":"Europe/London","picture":"https://cdn.example.com/a/jane.png",\
            "address":{"street_address":"1 Example Street","locality":"London","postal_code":"N1 9GU","country":"GB"}},\
            "org_id":"org_9Qk2LmZx7RtP","jti":"b7e1c2d4-5f6a-4b3c-9d8e-7f6a5b4c3d2e"}
            """
        }
    }

    /// A compact JWS over `claims(size)` signed with `algorithm`'s test key (header with kid).
    public static func token(_ algorithm: JWSAlgorithm, _ size: TokenSize, now: Int64 = Fixtures.now) throws -> String {
        let key = try privateKey(algorithm)
        let header = "{\"alg\":\"\(algorithm.rawValue)\",\"typ\":\"JWT\",\"kid\":\"\(keyName(algorithm))\"}"
        return try CompactJWS.sign(header: header, payload: claims(size, now: now),
                                   with: OpenSSLBackend().makeSigner(key: key, algorithm: algorithm))
    }

    /// The crypto backends compared: names as `CryptoBackends.named` takes them.
    public static let backendNames = ["openssl", "boringssl"]

    /// A validator over the public half of `algorithm`'s key with the bench's rules
    /// (issuer, audience, exp/nbf, the one algorithm), on the named backend.
    public static func validator(_ algorithm: JWSAlgorithm, backend: String) throws -> Validator {
        guard let cryptoBackend = CryptoBackends.named(backend) else { throw FixtureError("unknown backend \(backend)") }
        let key = try privateKey(algorithm).publicKey
        return Validator(
            rules: ValidationRules(issuers: [issuer], audiences: [audience], allowedAlgorithms: [algorithm]),
            keys: StaticKeyProvider(keys: [key], algorithms: [algorithm], backend: cryptoBackend))
    }

    /// A prepared verifier for `algorithm`'s key on the named backend: `openssl-evp` is
    /// OpenSSL's own verify API at its fastest (one `EVP_PKEY_CTX` per thread, reused: the raw
    /// ceiling), `openssl` the verifier our validator uses (for RS*, Montgomery arithmetic
    /// below the EVP layer), `boringssl` swift-crypto's public API (the other raw ceiling).
    public static func verifier(_ algorithm: JWSAlgorithm, backend: String) throws -> any SignatureVerifier {
        let key = try privateKey(algorithm).publicKey
        let cryptoBackend: any CryptoBackend
        switch backend {
        case "openssl-evp": cryptoBackend = OpenSSLBackend(pattern: .perThreadEVP)
        case "openssl": cryptoBackend = OpenSSLBackend(pattern: .perThreadContext)
        default: cryptoBackend = try CryptoBackends.named(backend).orThrow(FixtureError("unknown backend \(backend)"))
        }
        return try cryptoBackend.makeVerifier(key: key, algorithm: algorithm)
    }

    /// The signature and signing input of `token`, decoded once (for raw verify).
    public static func split(_ token: String) throws -> (signature: [UInt8], message: [UInt8]) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let signature = Base64URL.decode(String(parts[2])) else {
            throw FixtureError("not a compact JWS")
        }
        return (signature, Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count)))
    }

    /// jwt-kit's key collection holding the same public key, imported from the same JWK
    /// (as a JWKS document, the way a service configures jwt-kit from an issuer's keys).
    public static func jwtKitKeys(_ algorithm: JWSAlgorithm) async throws -> JWTKeyCollection {
        let publicJWK = try privateKey(algorithm).publicKey.jsonString()
        let keys = JWTKeyCollection()
        try await keys.add(jwksJSON: "{\"keys\":[\(publicJWK)]}")
        return keys
    }

    /// Runs `body` to completion from synchronous code (setup only, never on a measured path).
    public static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }
}

/// The claims jwt-kit decodes and checks: the same checks our validator makes on these
/// tokens (exp, nbf, aud contains ours, iss equals ours).
public struct PeerClaims: JWTPayload {
    public var iss: IssuerClaim
    public var sub: SubjectClaim
    public var aud: AudienceClaim
    public var exp: ExpirationClaim
    public var nbf: NotBeforeClaim?
    public var iat: IssuedAtClaim?

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        try nbf?.verifyNotBefore()
        try aud.verifyIntendedAudience(includes: Fixtures.audience)
        guard iss.value == Fixtures.issuer else {
            throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "issuer not allowed")
        }
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

final class ResultBox<T: Sendable>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

extension Optional {
    func orThrow(_ error: @autoclosure () -> some Error) throws -> Wrapped {
        guard let value = self else { throw error() }
        return value
    }
}
