import COpenSSL

/// JWE's symmetric primitives on OpenSSL 3's EVP interface: AES-GCM, AES-CBC, HMAC and the
/// AES key wrap (`id-aesNNN-wrap`, RFC 3394), and its RSA-OAEP and ECDH keys
/// (`OpenSSLJWEPrivateKey`, `OpenSSLJWEPublicKey`).
///
/// A context is made per call: JWE decryption is rare next to JWS verification and is
/// documented to allocate (docs/ARCHITECTURE.md, Hot-path rules). The ciphers and digests are
/// fetched once (`FetchedCiphers`, `Digests`), not looked up by name on every call.
public struct OpenSSLJWECipher: JWECipher {
    public var name: String { "openssl" }

    public init() {}

    /// Runs `body` with a fresh cipher context, freed (and the error queue cleared) after.
    private static func withContext<R>(_ body: (OpaquePointer) -> R?) -> R? {
        guard let ctx = EVP_CIPHER_CTX_new() else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        defer { EVP_CIPHER_CTX_free(ctx) }
        let result = body(ctx)
        if result == nil { OpenSSLErrorQueue.clear() }
        return result
    }

    public func gcmDecrypt(key: [UInt8], iv: [UInt8], aad: [UInt8], ciphertext: [UInt8], tag: [UInt8]) -> [UInt8]? {
        guard tag.count == 16, !iv.isEmpty, let cipher = FetchedCiphers.shared.aes(.gcm, bytes: key.count) else { return nil }
        return Self.withContext { ctx -> [UInt8]? in
            var tag = tag
            var out = [UInt8](repeating: 0, count: ciphertext.count + 16)
            var written: Int32 = 0
            var final: Int32 = 0
            guard EVP_DecryptInit_ex(ctx, cipher, nil, nil, nil) == 1,
                EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, Int32(iv.count), nil) == 1,
                EVP_DecryptInit_ex(ctx, nil, nil, key, iv) == 1,
                aad.isEmpty || EVP_DecryptUpdate(ctx, nil, &written, aad, Int32(aad.count)) == 1,
                ciphertext.isEmpty || EVP_DecryptUpdate(ctx, &out, &written, ciphertext, Int32(ciphertext.count)) == 1,
                EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, &tag) == 1
            else { return nil }
            if ciphertext.isEmpty { written = 0 }
            let ok = out.withUnsafeMutableBufferPointer { EVP_DecryptFinal_ex(ctx, $0.baseAddress! + Int(written), &final) }
            guard ok == 1 else { return nil }
            return Array(out.prefix(Int(written + final)))
        }
    }

    public func gcmEncrypt(key: [UInt8], iv: [UInt8], aad: [UInt8], plaintext: [UInt8]) -> (ciphertext: [UInt8], tag: [UInt8])? {
        guard !iv.isEmpty, let cipher = FetchedCiphers.shared.aes(.gcm, bytes: key.count) else { return nil }
        return Self.withContext { ctx -> ([UInt8], [UInt8])? in
            var out = [UInt8](repeating: 0, count: plaintext.count + 16)
            var tag = [UInt8](repeating: 0, count: 16)
            var written: Int32 = 0
            var final: Int32 = 0
            guard EVP_EncryptInit_ex(ctx, cipher, nil, nil, nil) == 1,
                EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, Int32(iv.count), nil) == 1,
                EVP_EncryptInit_ex(ctx, nil, nil, key, iv) == 1,
                aad.isEmpty || EVP_EncryptUpdate(ctx, nil, &written, aad, Int32(aad.count)) == 1
            else { return nil }
            written = 0
            if !plaintext.isEmpty {
                guard EVP_EncryptUpdate(ctx, &out, &written, plaintext, Int32(plaintext.count)) == 1 else { return nil }
            }
            let ok = out.withUnsafeMutableBufferPointer { EVP_EncryptFinal_ex(ctx, $0.baseAddress! + Int(written), &final) }
            guard ok == 1, EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, &tag) == 1 else { return nil }
            return (Array(out.prefix(Int(written + final))), tag)
        }
    }

    public func cbcDecrypt(key: [UInt8], iv: [UInt8], ciphertext: [UInt8]) -> [UInt8]? {
        guard iv.count == 16, !ciphertext.isEmpty, ciphertext.count % 16 == 0,
            let cipher = FetchedCiphers.shared.aes(.cbc, bytes: key.count)
        else { return nil }
        return Self.withContext { ctx -> [UInt8]? in
            var out = [UInt8](repeating: 0, count: ciphertext.count + 16)
            var written: Int32 = 0
            var final: Int32 = 0
            guard EVP_DecryptInit_ex(ctx, cipher, nil, key, iv) == 1,
                EVP_DecryptUpdate(ctx, &out, &written, ciphertext, Int32(ciphertext.count)) == 1
            else { return nil }
            let ok = out.withUnsafeMutableBufferPointer { EVP_DecryptFinal_ex(ctx, $0.baseAddress! + Int(written), &final) }
            guard ok == 1 else { return nil }
            return Array(out.prefix(Int(written + final)))
        }
    }

    public func cbcEncrypt(key: [UInt8], iv: [UInt8], plaintext: [UInt8]) -> [UInt8]? {
        guard iv.count == 16, let cipher = FetchedCiphers.shared.aes(.cbc, bytes: key.count) else { return nil }
        return Self.withContext { ctx -> [UInt8]? in
            var out = [UInt8](repeating: 0, count: plaintext.count + 32)
            var written: Int32 = 0
            var final: Int32 = 0
            guard EVP_EncryptInit_ex(ctx, cipher, nil, key, iv) == 1 else { return nil }
            if !plaintext.isEmpty {
                guard EVP_EncryptUpdate(ctx, &out, &written, plaintext, Int32(plaintext.count)) == 1 else { return nil }
            }
            let ok = out.withUnsafeMutableBufferPointer { EVP_EncryptFinal_ex(ctx, $0.baseAddress! + Int(written), &final) }
            guard ok == 1 else { return nil }
            return Array(out.prefix(Int(written + final)))
        }
    }

    public func hmac(_ hash: HashFunction, key: [UInt8], message: [UInt8]) -> [UInt8]? {
        let md = Digests.shared.md(hash)
        var out = [UInt8](repeating: 0, count: 64)
        var length: UInt32 = 0
        // A zero-length buffer may have no base address; HMAC wants a pointer either way.
        let keyBytes = key.isEmpty ? [0] : key
        let messageBytes = message.isEmpty ? [0] : message
        let done = keyBytes.withUnsafeBufferPointer { k in
            messageBytes.withUnsafeBufferPointer { m in
                HMAC(md, k.baseAddress, Int32(key.count), m.baseAddress, message.count, &out, &length)
            }
        }
        guard done != nil, Int(length) == hash.byteCount else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        return Array(out.prefix(Int(length)))
    }

    /// RFC 3394 through OpenSSL's wrap cipher; the context must allow wrap mode explicitly.
    private func wrap(kek: [UInt8], input: [UInt8], encrypt: Bool) -> [UInt8]? {
        guard input.count >= 16, input.count % 8 == 0, let cipher = FetchedCiphers.shared.aes(.wrap, bytes: kek.count) else { return nil }
        return Self.withContext { ctx -> [UInt8]? in
            EVP_CIPHER_CTX_set_flags(ctx, Int32(EVP_CIPHER_CTX_FLAG_WRAP_ALLOW))
            var out = [UInt8](repeating: 0, count: input.count + 16)
            var written: Int32 = 0
            var final: Int32 = 0
            guard EVP_CipherInit_ex(ctx, cipher, nil, kek, nil, encrypt ? 1 : 0) == 1,
                EVP_CipherUpdate(ctx, &out, &written, input, Int32(input.count)) == 1, written > 0
            else { return nil }
            let ok = out.withUnsafeMutableBufferPointer { EVP_CipherFinal_ex(ctx, $0.baseAddress! + Int(written), &final) }
            guard ok == 1 else { return nil }
            return Array(out.prefix(Int(written + final)))
        }
    }

    public func keyWrap(kek: [UInt8], key: [UInt8]) -> [UInt8]? { wrap(kek: kek, input: key, encrypt: true) }

    public func keyUnwrap(kek: [UInt8], wrapped: [UInt8]) -> [UInt8]? {
        guard wrapped.count >= 24 else { return nil }
        return wrap(kek: kek, input: wrapped, encrypt: false)
    }

    public func privateKey(_ jwk: JWK) throws -> any JWEPrivateKey {
        try OpenSSLJWEKey(jwk: jwk, wantPrivate: true)
    }

    public func publicKey(_ jwk: JWK) throws -> any JWEPublicKey {
        try OpenSSLJWEKey(jwk: jwk.publicKey, wantPrivate: false)
    }
}
