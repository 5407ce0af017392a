import COpenSSL

/// Signs ES* or PS* with the randomness that shapes the signature (the ECDSA nonce input, the
/// PSS salt) derived from a seed and the message: the same seed and message give the same
/// signature, and different messages get different randomness.
///
/// Per signature, OpenSSL's HKDF-SHA-512 with the seed as salt and the message as input key
/// material, so PRK = HMAC-SHA-512(seed, message), expands under a label naming the algorithm
/// into the bytes `SeededRandomContext` hands to OpenSSL's generators; OpenSSL then signs as
/// usual. Nothing here touches the private key: OpenSSL 3.0 makes the ECDSA nonce itself, as
/// SHA-512 over the private key, the digest and the drawn bytes, reduced mod n
/// (`BN_generate_dsa_nonce`), so the nonce stays secret though the seed is not, and differs
/// per key and message. A PSS salt need not be secret.
final class OpenSSLSeededSigner: SignatureSigner, @unchecked Sendable {
    // @unchecked: immutable after init; each call has its own KDF and digest contexts.
    let algorithm: JWSAlgorithm
    private let signer: OpenSSLSigner
    private let context: SeededRandomContext
    private let hkdf: OpaquePointer
    private let seed: [UInt8]
    private let privateBytes: PrivateBytes

    /// What OpenSSL's private generator (`RAND_priv_bytes`) is handed.
    private enum PrivateBytes {
        /// ECDSA: derived bytes, for they make the nonce. It takes 64 per SHA-512 block (two
        /// blocks for P-521) and then, for some curves, a blinding value of the field size
        /// drawn in a range that accepts nearly every draw: 1024 leave ample room.
        case derived(Int)
        /// RSA: fresh random bytes from the default context, for they only blind the private-key
        /// operation (every 32 uses) and never change the signature, so blinding stays
        /// unpredictable. A draw of the modulus size is accepted with probability at least
        /// 0.625; 32 draws' worth fails with probability below 1e-13.
        case fresh(Int)
    }

    /// For `RAND_bytes`: a PSS salt is at most 64 bytes (the SHA-512 output).
    static let publicByteCount = 256

    init(key: JWK, algorithm: JWSAlgorithm, seed: [UInt8]) throws {
        let context = try SeededRandomContext.shared.get()
        // Made and signed with in the seeded context: signing draws from the generators of the
        // context it runs in.
        let evpKey = try EVPKey.from(jwk: key, wantPrivate: true, libraryContext: context.pointer)
        guard let hkdf = EVP_KDF_fetch(nil, "HKDF", nil) else { throw OpenSSLErrorQueue.error("EVP_KDF_fetch(HKDF)") }
        self.algorithm = algorithm
        self.signer = OpenSSLSigner(key: evpKey, algorithm: algorithm, libraryContext: context.pointer)
        self.context = context
        self.hkdf = hkdf
        self.seed = seed
        self.privateBytes = algorithm.family == .rsaPSS ? .fresh(32 * ((evpKey.bits + 7) / 8)) : .derived(1024)
    }

    deinit { EVP_KDF_free(hkdf) }

    func sign(message: UnsafeRawBufferPointer) throws -> [UInt8] {
        let publicBytes: [UInt8]
        let privateBytes: [UInt8]
        switch self.privateBytes {
        case .derived(let count):
            let bytes = try derive(from: message, count: Self.publicByteCount + count)
            publicBytes = Array(bytes[..<Self.publicByteCount])
            privateBytes = Array(bytes[Self.publicByteCount...])
        case .fresh(let count):
            publicBytes = try derive(from: message, count: Self.publicByteCount)
            // From the default context's private generator, where OpenSSL itself draws blinding.
            var fresh = [UInt8](repeating: 0, count: count)
            guard RAND_priv_bytes(&fresh, Int32(count)) == 1 else { throw OpenSSLErrorQueue.error("RAND_priv_bytes") }
            privateBytes = fresh
        }
        return try context.withBytes(public: publicBytes, private: privateBytes) { try signer.sign(message: message) }
    }

    /// HKDF-SHA-512(salt: seed, key: message, info: label) of `count` bytes.
    private func derive(from message: UnsafeRawBufferPointer, count: Int) throws -> [UInt8] {
        guard let kdf = EVP_KDF_CTX_new(hkdf) else { throw OpenSSLErrorQueue.error("EVP_KDF_CTX_new(HKDF)") }
        defer { EVP_KDF_CTX_free(kdf) }
        let builder = try ParamBuilder()
        try builder.pushUTF8("digest", "SHA512")
        try builder.pushOctets("salt", seed)
        try builder.pushOctets("key", Array(message))
        // The algorithm in the label: one message signed under two algorithms draws unrelated bytes.
        try builder.pushOctets("info", Array("jwtbench seeded signature v1 \(algorithm.rawValue)".utf8))
        let params = try builder.toParams()
        defer { OSSL_PARAM_free(params) }
        var out = [UInt8](repeating: 0, count: count)
        guard EVP_KDF_derive(kdf, &out, count, params) == 1 else { throw OpenSSLErrorQueue.error("EVP_KDF_derive(HKDF-SHA512)") }
        return out
    }
}
