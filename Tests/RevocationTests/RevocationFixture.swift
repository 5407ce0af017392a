import Foundation
import JOSECrypto
import JWTValidation
import Revocation

/// An HMAC key, tokens signed with it (or not), and temporary denylist files.
enum RevocationFixture {
    static let now: Int64 = 1_750_000_000
    static let issuer = "https://issuer.example.com/"
    static let key = JWK(kty: "oct", k: Base64URL.encode([UInt8](repeating: 0x5A, count: 32)))
    static let other = JWK(kty: "oct", k: Base64URL.encode([UInt8](repeating: 0x33, count: 32)))

    /// A token with `jti` (none when nil), signed with `key` (the forged case: `other`).
    static func token(jti: String?, exp: Int64 = now + 600, signedWith signingKey: JWK = key) -> String {
        var claims = "{\"iss\":\"\(issuer)\",\"sub\":\"user-1\",\"iat\":\(now - 10),\"exp\":\(exp)"
        if let jti { claims += ",\"jti\":\(JSONString.quote(jti))" }
        claims += "}"
        let signer = try! OpenSSLBackend().makeSigner(key: signingKey, algorithm: .hs256)
        return try! CompactJWS.sign(header: "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload: claims, with: signer)
    }

    static func validator(_ revocation: (any RevocationCheck)?) -> Validator {
        Validator(
            rules: ValidationRules(issuers: [issuer], allowedAlgorithms: [.hs256]),
            keys: StaticKeyProvider(keys: [key], algorithms: [.hs256]), revocation: revocation)
    }

    /// A fresh temporary directory.
    static func directory() -> String {
        let path = NSTemporaryDirectory() + "jwtbench-revocation-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Removes a directory `directory()` made, or the one holding a file `file(_:)` wrote
    /// (only ever one of those: its name is checked).
    static func remove(_ path: String) {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let dir = exists && isDirectory.boolValue ? URL(fileURLWithPath: path) : URL(fileURLWithPath: path).deletingLastPathComponent()
        guard dir.lastPathComponent.hasPrefix("jwtbench-revocation-") else { return }
        try? FileManager.default.removeItem(at: dir)
    }

    /// Writes `text` to `name` in a fresh directory; returns its path.
    static func file(_ text: String, name: String = "revoked.txt", in dir: String = directory()) -> String {
        let path = dir + "/" + name
        try! Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func sha256Line(_ token: String) -> String {
        "sha256:" + SHA256Digest.hash(Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
