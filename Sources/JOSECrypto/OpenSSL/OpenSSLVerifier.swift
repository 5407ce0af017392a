import COpenSSL

/// Verifies RS*, PS*, ES* and EdDSA signatures with one immutable OpenSSL key.
final class OpenSSLVerifier: SignatureVerifier, @unchecked Sendable {
    // @unchecked: every stored property is immutable after init, and the OpenSSL objects are
    // only read concurrently; per-call mutable state lives in ThreadContexts.
    let algorithm: JWSAlgorithm
    var backendName: String { "openssl" }
    let key: EVPKey
    private let md: OpaquePointer
    private let id = ThreadContexts.nextID()
    private let pattern: OpenSSLCallPattern
    /// A verify-initialised context to duplicate (`duplicatedContext` pattern only).
    private let template: OpaquePointer?
    private let curveOrder: [UInt8]
    private let coordinateSize: Int

    init(key: EVPKey, algorithm: JWSAlgorithm, pattern: OpenSSLCallPattern) throws {
        self.key = key
        self.algorithm = algorithm
        self.pattern = pattern
        self.md = Digests.shared.md(algorithm.hash)
        if case .ecdsa(let curve) = algorithm.family {
            curveOrder = curve.order
            coordinateSize = curve.coordinateByteCount
        } else {
            curveOrder = []
            coordinateSize = 0
        }
        if algorithm.family != .eddsa {
            // Prove once, at load, that OpenSSL accepts this key for this operation, so that a
            // failure on the hot path can only mean a bad signature.
            guard let ctx = Self.makeContext(key: key.pointer, algorithm: algorithm, md: md) else {
                throw OpenSSLErrorQueue.error("preparing a \(algorithm.rawValue) verify context")
            }
            if pattern == .duplicatedContext {
                template = ctx
            } else {
                EVP_PKEY_CTX_free(ctx)
                template = nil
            }
        } else {
            template = nil
        }
    }

    deinit { if let template { EVP_PKEY_CTX_free(template) } }

    /// A context ready for `EVP_PKEY_verify`: padding, digest, and for PSS the MGF1 hash and a
    /// salt as long as the hash (RFC 7518 section 3.5).
    static func makeContext(key: OpaquePointer, algorithm: JWSAlgorithm, md: OpaquePointer) -> OpaquePointer? {
        guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else { return nil }
        guard EVP_PKEY_verify_init(ctx) == 1, configure(ctx, algorithm: algorithm, md: md) else {
            EVP_PKEY_CTX_free(ctx)
            return nil
        }
        return ctx
    }

    static func configure(_ ctx: OpaquePointer, algorithm: JWSAlgorithm, md: OpaquePointer) -> Bool {
        switch algorithm.family {
        case .rsaPKCS1:
            return EVP_PKEY_CTX_set_rsa_padding(ctx, jwtbench_rsa_pkcs1_padding()) == 1
                && EVP_PKEY_CTX_set_signature_md(ctx, md) == 1
        case .rsaPSS:
            return EVP_PKEY_CTX_set_rsa_padding(ctx, jwtbench_rsa_pss_padding()) == 1
                && EVP_PKEY_CTX_set_signature_md(ctx, md) == 1
                && EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) == 1
                && EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, Int32(algorithm.hash.byteCount)) == 1
        case .ecdsa:
            return EVP_PKEY_CTX_set_signature_md(ctx, md) == 1
        case .hmac, .eddsa:
            return false
        }
    }

    func verify(signature: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> Bool {
        switch algorithm.family {
        case .eddsa:
            return verifyEdDSA(signature: signature, message: message)
        case .ecdsa:
            // JWS ECDSA signatures are raw r||s of exactly twice the coordinate size; OpenSSL
            // wants DER. Encoding here, on the stack, also lets us refuse r or s of 0 or >= n
            // before any bignum work.
            guard signature.count == 2 * coordinateSize else { return false }
            return withUnsafeTemporaryAllocation(byteCount: 2 * coordinateSize + 16, alignment: 1) { der in
                guard let derCount = ECDSASignature.der(fromRaw: signature, order: curveOrder, into: der) else { return false }
                return verifyPKey(signature: UnsafeRawBufferPointer(rebasing: der[0..<derCount]), message: message)
            }
        default:
            return verifyPKey(signature: signature, message: message)
        }
    }

    @inline(__always)
    private func verifyPKey(signature: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> Bool {
        let sig = signature.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let msg = message.baseAddress?.assumingMemoryBound(to: UInt8.self)
        if pattern == .oneShot {
            guard let mdctx = EVP_MD_CTX_new() else {
                OpenSSLErrorQueue.clear()
                return false
            }
            defer { EVP_MD_CTX_free(mdctx) }
            var pctx: OpaquePointer?
            guard EVP_DigestVerifyInit(mdctx, &pctx, md, nil, key.pointer) == 1, let pctx,
                Self.configure(pctx, algorithm: algorithm, md: md)
            else {
                OpenSSLErrorQueue.clear()
                return false
            }
            let rc = EVP_DigestVerify(mdctx, sig, signature.count, msg, message.count)
            if rc != 1 { OpenSSLErrorQueue.clear() }
            return rc == 1
        }
        let threadState = ThreadContexts.current
        return withUnsafeTemporaryAllocation(byteCount: 64, alignment: 8) { digest -> Bool in
            let out = digest.baseAddress!.assumingMemoryBound(to: UInt8.self)
            // On the stack: re-initialising a kept EVP_MD_CTX allocates in OpenSSL 3.0.
            let digestLength = jwtbench_sha(Int32(algorithm.hash.byteCount * 8), message.baseAddress, message.count, out)
            guard digestLength > 0 else { return false }
            let rc: Int32
            if pattern == .duplicatedContext {
                guard let ctx = EVP_PKEY_CTX_dup(template) else {
                    OpenSSLErrorQueue.clear()
                    return false
                }
                rc = EVP_PKEY_verify(ctx, sig, signature.count, out, Int(digestLength))
                EVP_PKEY_CTX_free(ctx)
            } else {
                let made = threadState.context(for: id, kind: .pkey) {
                    Self.makeContext(key: key.pointer, algorithm: algorithm, md: md)
                }
                guard let ctx = made else {
                    OpenSSLErrorQueue.clear()
                    return false
                }
                rc = EVP_PKEY_verify(ctx, sig, signature.count, out, Int(digestLength))
                // A negative result is an error rather than a mismatch: do not trust the context again.
                if rc < 0 { threadState.evict(id) }
            }
            if rc != 1 { OpenSSLErrorQueue.clear() }
            return rc == 1
        }
    }

    private func verifyEdDSA(signature: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> Bool {
        guard signature.count == 64, let mdctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(mdctx) }
        guard EVP_DigestVerifyInit_ex(mdctx, nil, nil, nil, nil, key.pointer, nil) == 1 else {
            OpenSSLErrorQueue.clear()
            return false
        }
        let rc = EVP_DigestVerify(
            mdctx, signature.baseAddress?.assumingMemoryBound(to: UInt8.self), signature.count,
            message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count)
        if rc != 1 { OpenSSLErrorQueue.clear() }
        return rc == 1
    }
}
