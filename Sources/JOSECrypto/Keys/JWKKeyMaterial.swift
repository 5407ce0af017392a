/// A JWK's key members decoded and checked, the same for every crypto backend and with the same
/// messages: a key one backend takes and another refuses would make the validation decision
/// depend on the backend. `EVPKey` (OpenSSL) and `BoringSSLKeyMaterial` build on these.
enum JWKKeyMaterial {
    /// RSA `n` and `e`; `n` must not carry leading zero octets (RFC 7518 section 6.3.1.1: a
    /// padded modulus is a second encoding of the same key, which key caches would treat as another key).
    static func rsaPublic(_ jwk: JWK) throws -> (n: [UInt8], e: [UInt8]) {
        let n = try jwk.decoded("n", jwk.n)
        let e = try jwk.decoded("e", jwk.e)
        guard n.first != 0 || n.count == 1 else {
            throw JOSECryptoError.invalidKey("RSA \"n\" has leading zero octets")
        }
        return (n, e)
    }

    /// The EC point's `x` and `y`, each exactly the curve's size (leading zero octets kept, as
    /// RFC 7518 section 6.2.1.2 requires).
    static func ecCoordinates(_ jwk: JWK, curve: ECCurve) throws -> (x: [UInt8], y: [UInt8]) {
        let size = curve.coordinateByteCount
        let x = try jwk.decoded("x", jwk.x)
        let y = try jwk.decoded("y", jwk.y)
        guard x.count == size, y.count == size else {
            throw JOSECryptoError.invalidKey("EC \(curve.rawValue) coordinates must be \(size) bytes each (x \(x.count), y \(y.count))")
        }
        return (x, y)
    }

    /// The EC private scalar `d`, exactly the curve's size.
    static func ecPrivate(_ jwk: JWK, curve: ECCurve) throws -> [UInt8] {
        let d = try jwk.decoded("d", jwk.d)
        guard d.count == curve.coordinateByteCount else {
            throw JOSECryptoError.invalidKey("EC \"d\" must be \(curve.coordinateByteCount) bytes")
        }
        return d
    }

    /// Refuses an OKP key on any curve but Ed25519.
    static func checkEd25519Curve(_ jwk: JWK) throws {
        guard jwk.crv == "Ed25519" else {
            throw JOSECryptoError.invalidKey("OKP curve \(jwk.crv ?? "(none)") is not supported (only Ed25519)")
        }
    }

    /// The Ed25519 public key `x` (32 bytes); the curve is `checkEd25519Curve`'s to check.
    static func ed25519X(_ jwk: JWK) throws -> [UInt8] {
        let x = try jwk.decoded("x", jwk.x)
        guard x.count == 32 else { throw JOSECryptoError.invalidKey("Ed25519 \"x\" must be 32 bytes, not \(x.count)") }
        return x
    }

    /// The Ed25519 private seed `d` (32 bytes).
    static func ed25519Private(_ jwk: JWK) throws -> [UInt8] {
        let d = try jwk.decoded("d", jwk.d)
        guard d.count == 32 else { throw JOSECryptoError.invalidKey("Ed25519 \"d\" must be 32 bytes") }
        return d
    }
}
