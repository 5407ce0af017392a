import COpenSSL

/// HS256/384/512 with one secret: signs and verifies (the tag is the same computation).
final class OpenSSLHMAC: SignatureVerifier, SignatureSigner, @unchecked Sendable {
    // @unchecked: the template context is only ever duplicated, never used directly after init.
    let algorithm: JWSAlgorithm
    var backendName: String { "openssl" }
    private let id = ThreadContexts.nextID()
    private let template: OpaquePointer
    private let tagLength: Int

    init(secret: [UInt8], algorithm: JWSAlgorithm) throws {
        self.algorithm = algorithm
        self.tagLength = algorithm.hash.byteCount
        guard let ctx = EVP_MAC_CTX_new(Digests.shared.hmac) else { throw OpenSSLErrorQueue.error("EVP_MAC_CTX_new") }
        // An OSSL_PARAM keeps pointers to its key and value, so both C strings must live until
        // EVP_MAC_init has read them: a string literal passed straight to the constructor is a
        // temporary whose memory Swift may free on return (AddressSanitizer: use after free).
        let ok = "digest".withCString { key in
            algorithm.hash.opensslName.withCString { name -> Bool in
                let params = [
                    OSSL_PARAM_construct_utf8_string(key, UnsafeMutablePointer(mutating: name), 0),
                    OSSL_PARAM_construct_end(),
                ]
                return secret.withUnsafeBufferPointer { s in
                    params.withUnsafeBufferPointer { p in EVP_MAC_init(ctx, s.baseAddress, s.count, p.baseAddress) == 1 }
                }
            }
        }
        guard ok else {
            EVP_MAC_CTX_free(ctx)
            throw OpenSSLErrorQueue.error("EVP_MAC_init(HMAC-\(algorithm.hash.opensslName))")
        }
        template = ctx
    }

    deinit { EVP_MAC_CTX_free(template) }

    /// Writes the tag into `out` (at least 64 bytes); false on an OpenSSL failure.
    private func tag(_ message: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Bool {
        let threadState = ThreadContexts.current
        guard let ctx = threadState.context(for: id, kind: .mac, make: { EVP_MAC_CTX_dup(template) }) else {
            OpenSSLErrorQueue.clear()
            return false
        }
        var written = 0
        // Re-initialising with a nil key restarts the MAC with the key already set.
        guard EVP_MAC_init(ctx, nil, 0, nil) == 1,
            EVP_MAC_update(ctx, message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count) == 1,
            EVP_MAC_final(ctx, out.baseAddress?.assumingMemoryBound(to: UInt8.self), &written, out.count) == 1,
            written == tagLength
        else {
            threadState.evict(id)
            OpenSSLErrorQueue.clear()
            return false
        }
        return true
    }

    func verify(signature: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> Bool {
        // JWS never allows truncated tags.
        guard signature.count == tagLength else { return false }
        return withUnsafeTemporaryAllocation(byteCount: 64, alignment: 8) { out in
            guard tag(message, into: out) else { return false }
            // Constant time, so a forger learns nothing from how long the comparison took.
            return CRYPTO_memcmp(out.baseAddress, signature.baseAddress, tagLength) == 0
        }
    }

    func sign(message: UnsafeRawBufferPointer) throws -> [UInt8] {
        try withUnsafeTemporaryAllocation(byteCount: 64, alignment: 8) { out in
            guard tag(message, into: out) else { throw JOSECryptoError.openssl(operation: "HMAC", reason: "computing the tag failed") }
            return Array(UnsafeRawBufferPointer(rebasing: out[0..<tagLength]))
        }
    }
}
