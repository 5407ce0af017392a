/// The rules that decide whether a key may serve an algorithm, independent of the backend.
///
/// They exist because most JWT vulnerabilities are key confusion: an RSA public key used as an
/// HMAC secret, an encryption key used to verify, a weak key accepted. Every backend calls
/// `check` before it builds anything.
public enum KeyFit {
    /// Smallest RSA modulus we accept, in bits (RFC 7518 section 3.3).
    public static let minimumRSABits = 2048

    /// Throws `keyDoesNotFitAlgorithm` naming the first rule the key breaks.
    /// `forSigning` switches the `key_ops` rule from `verify` to `sign`.
    public static func check(_ key: JWK, for algorithm: JWSAlgorithm, forSigning: Bool = false) throws {
        func refuse(_ why: String) -> JOSECryptoError { .keyDoesNotFitAlgorithm(algorithm, why) }

        guard key.kty == algorithm.keyType else {
            throw refuse("key type \(key.kty) cannot serve \(algorithm.rawValue), which needs \(algorithm.keyType)")
        }
        if let use = key.use, use != "sig" {
            throw refuse("key \"use\" is \"\(use)\", not \"sig\"")
        }
        if let ops = key.keyOps {
            let needed = forSigning ? "sign" : "verify"
            guard ops.contains(needed) else { throw refuse("key_ops \(ops) does not include \"\(needed)\"") }
        }
        if let keyAlg = key.alg {
            guard let declared = JWSAlgorithm(rawValue: keyAlg), declared.isEquivalent(to: algorithm) else {
                throw refuse("key is for \"\(keyAlg)\"")
            }
        }
        switch algorithm.family {
        case .hmac:
            let secret = try key.decoded("k", key.k)
            guard secret.count >= algorithm.hash.byteCount else {
                throw refuse("HMAC secret of \(secret.count) bytes is shorter than the \(algorithm.hash.byteCount)-byte hash")
            }
        case .rsaPKCS1, .rsaPSS:
            let n = try key.decoded("n", key.n)
            let bits = bitLength(n)
            guard bits >= minimumRSABits else { throw refuse("RSA modulus of \(bits) bits is below \(minimumRSABits)") }
            let e = try key.decoded("e", key.e)
            let eBits = bitLength(e)
            guard eBits <= 64 else {
                throw refuse("RSA public exponent of \(eBits) bits is above the 64-bit limit")
            }
            guard eBits >= 2, e.last.map({ $0 & 1 == 1 }) == true else {
                throw refuse("RSA public exponent must be odd and at least 3")
            }
        case .ecdsa(let curve):
            guard key.crv == curve.rawValue else {
                throw refuse("curve \(key.crv ?? "(none)") is not \(curve.rawValue)")
            }
        case .eddsa:
            guard key.crv == "Ed25519" else { throw refuse("OKP curve \(key.crv ?? "(none)") is not Ed25519") }
        }
    }

    /// Bits in a big-endian unsigned integer, ignoring leading zero bytes.
    static func bitLength(_ bytes: [UInt8]) -> Int {
        guard let first = bytes.firstIndex(where: { $0 != 0 }) else { return 0 }
        return (bytes.count - first - 1) * 8 + (8 - bytes[first].leadingZeroBitCount)
    }
}
