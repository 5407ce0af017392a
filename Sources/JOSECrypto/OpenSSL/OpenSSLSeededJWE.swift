import COpenSSL

/// The minter's reproducible JWE randomness: RSA-OAEP's seed and ECDH-ES's ephemeral key drawn
/// in `SeededRandomContext` from bytes the caller derives from the mint seed, so a corpus of
/// encrypted tokens regenerates byte for byte. OpenSSL still does every operation (OAEP
/// encoding, key generation, key agreement); only its generator's bytes are ours. Never used
/// for decryption or by anything but the minter: these tokens' secrets follow from a public seed.
enum OpenSSLSeededJWE {
    static let publicByteCount = 512
    static let privateByteCount = 4096

    /// RSAES-OAEP of `plaintext` to `recipient` with the OAEP seed from `bytes`.
    static func oaepEncrypt(_ recipient: JWK, _ plaintext: [UInt8], sha256: Bool, bytes: [UInt8]) throws -> [UInt8] {
        let context = try SeededRandomContext.shared.get()
        let key = try EVPKey.from(jwk: recipient.publicKey, wantPrivate: false, libraryContext: context.pointer)
        return try context.withBytes(public: Array(bytes.prefix(publicByteCount)), private: bytes) {
            guard let ctx = EVP_PKEY_CTX_new_from_pkey(context.pointer, key.pointer, nil) else {
                throw OpenSSLErrorQueue.error("EVP_PKEY_CTX_new_from_pkey")
            }
            defer { EVP_PKEY_CTX_free(ctx) }
            let md = sha256 ? EVP_sha256() : EVP_sha1()
            var length = 0
            guard EVP_PKEY_encrypt_init(ctx) == 1, EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1,
                EVP_PKEY_CTX_set_rsa_oaep_md(ctx, md) == 1, EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) == 1,
                EVP_PKEY_encrypt(ctx, nil, &length, plaintext, plaintext.count) == 1
            else { throw OpenSSLErrorQueue.error("seeded RSA-OAEP setup") }
            var out = [UInt8](repeating: 0, count: length)
            guard EVP_PKEY_encrypt(ctx, &out, &length, plaintext, plaintext.count) == 1 else {
                throw OpenSSLErrorQueue.error("seeded EVP_PKEY_encrypt")
            }
            return Array(out.prefix(length))
        }
    }

    /// An ephemeral key pair on `curve` generated from `bytes`, and Z with `recipient`.
    static func ephemeral(_ curve: ECCurve, recipient: JWK, bytes: [UInt8]) throws -> (x: [UInt8], y: [UInt8], z: [UInt8]) {
        let context = try SeededRandomContext.shared.get()
        let peer = try EVPKey.from(jwk: recipient.publicKey, wantPrivate: false, libraryContext: context.pointer)
        return try context.withBytes(public: Array(bytes.prefix(publicByteCount)), private: bytes) {
            guard let gen = EVP_PKEY_CTX_new_from_name(context.pointer, "EC", nil) else {
                throw OpenSSLErrorQueue.error("EVP_PKEY_CTX_new_from_name(EC)")
            }
            defer { EVP_PKEY_CTX_free(gen) }
            var pkey: OpaquePointer?
            guard EVP_PKEY_keygen_init(gen) == 1, EVP_PKEY_CTX_set_group_name(gen, curve.opensslGroupName) == 1,
                EVP_PKEY_generate(gen, &pkey) == 1, let pkey
            else { throw OpenSSLErrorQueue.error("seeded EC key generation") }
            let ephemeral = EVPKey(owning: pkey)
            guard let ctx = EVP_PKEY_CTX_new_from_pkey(context.pointer, ephemeral.pointer, nil) else {
                throw OpenSSLErrorQueue.error("EVP_PKEY_CTX_new_from_pkey")
            }
            defer { EVP_PKEY_CTX_free(ctx) }
            var length = 0
            guard EVP_PKEY_derive_init(ctx) == 1, EVP_PKEY_derive_set_peer_ex(ctx, peer.pointer, 1) == 1,
                EVP_PKEY_derive(ctx, nil, &length) == 1
            else { throw OpenSSLErrorQueue.error("seeded ECDH setup") }
            var z = [UInt8](repeating: 0, count: length)
            guard EVP_PKEY_derive(ctx, &z, &length) == 1 else { throw OpenSSLErrorQueue.error("seeded EVP_PKEY_derive") }
            let size = curve.coordinateByteCount
            return (try ephemeral.bnParam("qx", padTo: size), try ephemeral.bnParam("qy", padTo: size), Array(z.prefix(length)))
        }
    }

    /// `count` bytes for draw `label` from `seed`: SHA-256 in counter mode (test tokens only).
    static func expand(_ seed: [UInt8], label: Int, count: Int) -> [UInt8] {
        var out: [UInt8] = []
        var counter = 0
        while out.count < count {
            out += SHA256Digest.hash(seed + ConcatKDF.bigEndian32(label) + ConcatKDF.bigEndian32(counter))
            counter += 1
        }
        return Array(out.prefix(count))
    }
}
