/// A JWK's public members as swift-crypto (BoringSSL) takes them, and the errors for keys it
/// refuses. The member rules are `JWKKeyMaterial`'s, which `EVPKey.from(jwk:wantPrivate:)`
/// applies for OpenSSL too, so both backends accept and refuse the same JWKs.
enum BoringSSLKeyMaterial {
    /// The EC public point as raw `x||y`, each coordinate exactly the curve's size.
    static func ecPublic(_ jwk: JWK, curve: ECCurve) throws -> [UInt8] {
        guard jwk.crv == curve.rawValue else {
            throw JOSECryptoError.invalidKey("EC curve \(jwk.crv ?? "(none)") is not \(curve.rawValue)")
        }
        let (x, y) = try JWKKeyMaterial.ecCoordinates(jwk, curve: curve)
        return x + y
    }

    /// The Ed25519 public key `x` (32 bytes) of an Ed25519 JWK.
    static func ed25519Public(_ jwk: JWK) throws -> [UInt8] {
        try JWKKeyMaterial.checkEd25519Curve(jwk)
        return try JWKKeyMaterial.ed25519X(jwk)
    }

    /// The key `make` builds from checked members. swift-crypto's refusal becomes `invalidKey`
    /// naming `what` and keeping its reason; our own checks' errors pass through as they are.
    static func importing<Key>(_ what: @autoclosure () -> String, _ make: () throws -> Key) throws -> Key {
        do {
            return try make()
        } catch let error as JOSECryptoError {
            throw error
        } catch {
            throw JOSECryptoError.invalidKey("BoringSSL refused the \(what()): \(error)")
        }
    }
}
