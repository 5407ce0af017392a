import COpenSSL

/// An RSA or EC key for JWE on OpenSSL: RSAES-OAEP through `EVP_PKEY_decrypt`/`encrypt`, ECDH
/// through `EVP_PKEY_derive` (OpenSSL's constant-time code; our CP256 never sees a secret).
final class OpenSSLJWEKey: JWEPrivateKey, JWEPublicKey, @unchecked Sendable {
    // @unchecked: the EVP_PKEY is immutable after init; each operation makes its own context.
    let key: EVPKey
    let curve: ECCurve?

    init(jwk: JWK, wantPrivate: Bool) throws {
        switch jwk.kty {
        case "RSA":
            curve = nil
        case "EC":
            guard let c = jwk.crv.flatMap(ECCurve.init(rawValue:)) else {
                throw JOSECryptoError.invalidKey("EC curve \(jwk.crv ?? "(none)") is not P-256, P-384 or P-521")
            }
            curve = c
        default:
            throw JOSECryptoError.invalidKey("a \(jwk.kty) key cannot serve RSA-OAEP or ECDH-ES")
        }
        key = try EVPKey.from(jwk: jwk, wantPrivate: wantPrivate)
        if curve == nil && key.bits < KeyFit.minimumRSABits {
            throw JOSECryptoError.invalidKey("RSA modulus of \(key.bits) bits is below \(KeyFit.minimumRSABits)")
        }
    }

    private func withContext<R>(_ body: (OpaquePointer) -> R?) -> R? {
        guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, key.pointer, nil) else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        let result = body(ctx)
        if result == nil { OpenSSLErrorQueue.clear() }
        return result
    }

    private static func setOAEP(_ ctx: OpaquePointer, sha256: Bool) -> Bool {
        guard EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 else { return false }
        let md = sha256 ? EVP_sha256() : EVP_sha1()
        return EVP_PKEY_CTX_set_rsa_oaep_md(ctx, md) == 1 && EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) == 1
    }

    func oaepDecrypt(_ ciphertext: [UInt8], sha256: Bool) -> [UInt8]? {
        guard curve == nil, !ciphertext.isEmpty else { return nil }
        return withContext { ctx -> [UInt8]? in
            var length = 0
            guard EVP_PKEY_decrypt_init(ctx) == 1, Self.setOAEP(ctx, sha256: sha256),
                EVP_PKEY_decrypt(ctx, nil, &length, ciphertext, ciphertext.count) == 1
            else { return nil }
            var out = [UInt8](repeating: 0, count: length)
            guard EVP_PKEY_decrypt(ctx, &out, &length, ciphertext, ciphertext.count) == 1 else { return nil }
            return Array(out.prefix(length))
        }
    }

    func oaepEncrypt(_ plaintext: [UInt8], sha256: Bool) -> [UInt8]? {
        guard curve == nil else { return nil }
        return withContext { ctx -> [UInt8]? in
            var length = 0
            guard EVP_PKEY_encrypt_init(ctx) == 1, Self.setOAEP(ctx, sha256: sha256),
                EVP_PKEY_encrypt(ctx, nil, &length, plaintext, plaintext.count) == 1
            else { return nil }
            var out = [UInt8](repeating: 0, count: length)
            guard EVP_PKEY_encrypt(ctx, &out, &length, plaintext, plaintext.count) == 1 else { return nil }
            return Array(out.prefix(length))
        }
    }

    /// Z from this key (private) and `peer`; OpenSSL validates the peer (`_ex` with 1).
    private static func derive(_ own: EVPKey, peer: EVPKey) -> [UInt8]? {
        guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, own.pointer, nil) else { return nil }
        defer { EVP_PKEY_CTX_free(ctx) }
        var length = 0
        guard EVP_PKEY_derive_init(ctx) == 1, EVP_PKEY_derive_set_peer_ex(ctx, peer.pointer, 1) == 1,
            EVP_PKEY_derive(ctx, nil, &length) == 1
        else { return nil }
        var out = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_derive(ctx, &out, &length) == 1 else { return nil }
        return Array(out.prefix(length))
    }

    func agree(peerX: [UInt8], peerY: [UInt8]) -> [UInt8]? {
        guard let curve, peerX.count == curve.coordinateByteCount, peerY.count == curve.coordinateByteCount else { return nil }
        // The peer point must be on this key's curve: the invalid-curve attack sends points of
        // a weak curve to learn the private scalar. Importing the point refuses one that is not
        // on the curve, and EVP_PKEY_derive_set_peer_ex(..., 1) checks it again (OpenSSL's
        // quick public check: on the curve, not at infinity). That is enough on P-256/384/521,
        // whose cofactor is 1; the full check's extra n*Q multiplication would add a scalar
        // multiplication's cost to every token.
        guard
            let peer = try? EVPKey.fromData(
                type: "EC", selection: jwtbench_evp_pkey_public_key(),
                push: { b in
                    try b.pushUTF8("group", curve.opensslGroupStaticName)
                    try b.pushOctets("pub", [0x04] + peerX + peerY)
                })
        else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        let z = Self.derive(key, peer: peer)
        if z == nil { OpenSSLErrorQueue.clear() }
        return z
    }

    func ephemeralAgreement() -> (x: [UInt8], y: [UInt8], z: [UInt8])? {
        guard let curve, let ctx = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else { return nil }
        defer { EVP_PKEY_CTX_free(ctx) }
        var pkey: OpaquePointer?
        guard EVP_PKEY_keygen_init(ctx) == 1, EVP_PKEY_CTX_set_group_name(ctx, curve.opensslGroupName) == 1,
            EVP_PKEY_generate(ctx, &pkey) == 1, let pkey
        else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        let ephemeral = EVPKey(owning: pkey)
        let size = curve.coordinateByteCount
        guard let x = try? ephemeral.bnParam("qx", padTo: size), let y = try? ephemeral.bnParam("qy", padTo: size),
            let z = Self.derive(ephemeral, peer: key)
        else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        return (x, y, z)
    }
}
