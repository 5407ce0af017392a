import COpenSSL

/// Signs with an RSA, EC or Ed25519 private key (minting; not on the validation hot path).
final class OpenSSLSigner: SignatureSigner, @unchecked Sendable {
    // @unchecked: immutable after init; each call uses its own EVP_MD_CTX.
    let algorithm: JWSAlgorithm
    private let key: EVPKey
    /// The library context the signature operation runs in (nil: the default one), whose random
    /// generators it draws from. The key should be made in it too, or OpenSSL copies the key
    /// across at first use.
    private let libraryContext: OpaquePointer?

    init(key: EVPKey, algorithm: JWSAlgorithm, libraryContext: OpaquePointer? = nil) {
        self.key = key
        self.algorithm = algorithm
        self.libraryContext = libraryContext
    }

    func sign(message: UnsafeRawBufferPointer) throws -> [UInt8] {
        guard let mdctx = EVP_MD_CTX_new() else { throw OpenSSLErrorQueue.error("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(mdctx) }
        let eddsa = algorithm.family == .eddsa
        let md = eddsa ? nil : Digests.shared.md(algorithm.hash)
        var pctx: OpaquePointer?
        // The _ex form takes the library context; it names the digest, which OpenSSL 3.0 looks
        // up by name even when given an EVP_MD.
        let initialised: Int32
        if eddsa {
            initialised = EVP_DigestSignInit_ex(mdctx, &pctx, nil, libraryContext, nil, key.pointer, nil)
        } else {
            initialised = algorithm.hash.opensslName.withCString { name in
                EVP_DigestSignInit_ex(mdctx, &pctx, name, libraryContext, nil, key.pointer, nil)
            }
        }
        guard initialised == 1 else {
            throw OpenSSLErrorQueue.error("EVP_DigestSignInit(\(algorithm.rawValue))")
        }
        if algorithm.family == .rsaPSS, let pctx {
            guard EVP_PKEY_CTX_set_rsa_padding(pctx, jwtbench_rsa_pss_padding()) == 1,
                EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1,
                EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, Int32(algorithm.hash.byteCount)) == 1
            else { throw OpenSSLErrorQueue.error("configuring RSA-PSS") }
        } else if algorithm.family == .rsaPKCS1, let pctx {
            guard EVP_PKEY_CTX_set_rsa_padding(pctx, jwtbench_rsa_pkcs1_padding()) == 1 else {
                throw OpenSSLErrorQueue.error("configuring RSA PKCS#1 v1.5")
            }
        }
        let msg = message.baseAddress?.assumingMemoryBound(to: UInt8.self)
        var length = 0
        guard EVP_DigestSign(mdctx, nil, &length, msg, message.count) == 1 else {
            throw OpenSSLErrorQueue.error("EVP_DigestSign (size)")
        }
        var out = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(mdctx, &out, &length, msg, message.count) == 1 else {
            throw OpenSSLErrorQueue.error("EVP_DigestSign(\(algorithm.rawValue))")
        }
        out.removeSubrange(length...)
        if case .ecdsa(let curve) = algorithm.family {
            guard let raw = ECDSASignature.raw(fromDER: out, size: curve.coordinateByteCount) else {
                throw JOSECryptoError.openssl(operation: "ECDSA sign", reason: "unexpected DER signature from OpenSSL")
            }
            return raw
        }
        return out
    }
}
