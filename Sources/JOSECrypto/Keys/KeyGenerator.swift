import COpenSSL

/// Fresh keys for every JWS algorithm, as private JWKs.
public enum KeyGenerator {
    /// A new private JWK that fits `algorithm`, with `alg`, `use: sig` and the given `kid`.
    /// RSA keys get `rsaBits` (2048, 3072 or 4096); HMAC secrets are as long as the hash.
    public static func generate(for algorithm: JWSAlgorithm, kid: String? = nil, rsaBits: Int = 2048) throws -> JWK {
        var jwk: JWK
        switch algorithm.family {
        case .hmac:
            jwk = JWK(kty: "oct", k: Base64URL.encode(try randomBytes(algorithm.hash.byteCount)))
        case .rsaPKCS1, .rsaPSS:
            guard [2048, 3072, 4096].contains(rsaBits) else {
                throw JOSECryptoError.invalidKey("RSA key size \(rsaBits) is not 2048, 3072 or 4096")
            }
            jwk = try generate(type: "RSA") { ctx in EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, Int32(rsaBits)) == 1 }
        case .ecdsa(let curve):
            jwk = try generate(type: "EC") { ctx in EVP_PKEY_CTX_set_group_name(ctx, curve.opensslGroupName) == 1 }
        case .eddsa:
            jwk = try generate(type: "ED25519") { _ in true }
        }
        jwk.alg = algorithm.rawValue
        jwk.use = "sig"
        jwk.kid = kid
        return jwk
    }

    private static func generate(type: String, configure: (OpaquePointer) -> Bool) throws -> JWK {
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, type, nil) else {
            throw OpenSSLErrorQueue.error("EVP_PKEY_CTX_new_from_name(\(type))")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1, configure(ctx) else { throw OpenSSLErrorQueue.error("keygen init (\(type))") }
        var pkey: OpaquePointer?
        guard EVP_PKEY_generate(ctx, &pkey) == 1, let pkey else { throw OpenSSLErrorQueue.error("EVP_PKEY_generate(\(type))") }
        return try EVPKey(owning: pkey).jwk(includePrivate: true)
    }

    /// Cryptographically random bytes from OpenSSL's DRBG.
    public static func randomBytes(_ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&out, Int32(count)) == 1 else { throw OpenSSLErrorQueue.error("RAND_bytes") }
        return out
    }
}
