import COpenSSL

/// Owns one `EVP_PKEY`, freed in `deinit`.
///
/// Built once per key-set refresh (parsing costs hundreds of microseconds) and then only read:
/// OpenSSL allows concurrent use of one EVP_PKEY from many threads as long as each thread has
/// its own operation context, which is how the verifiers use it.
final class EVPKey: @unchecked Sendable {
    let pointer: OpaquePointer

    init(owning pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_PKEY_free(pointer) }

    /// Key size in bits (the modulus for RSA, the field for EC).
    var bits: Int { Int(EVP_PKEY_get_bits(pointer)) }

    func isA(_ name: String) -> Bool { EVP_PKEY_is_a(pointer, name) == 1 }

    // MARK: building from components

    /// Builds a key from OSSL_PARAMs via `EVP_PKEY_fromdata`, the non-deprecated path in 3.0,
    /// in `libraryContext` (nil: the default one).
    static func fromData(
        type: String, selection: Int32, libraryContext: OpaquePointer? = nil, push: (ParamBuilder) throws -> Void
    ) throws -> EVPKey {
        let builder = try ParamBuilder()
        try push(builder)
        let params = try builder.toParams()
        defer { OSSL_PARAM_free(params) }
        guard let ctx = EVP_PKEY_CTX_new_from_name(libraryContext, type, nil) else {
            throw OpenSSLErrorQueue.error("EVP_PKEY_CTX_new_from_name(\(type))")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_fromdata_init(ctx) == 1 else { throw OpenSSLErrorQueue.error("EVP_PKEY_fromdata_init") }
        var pkey: OpaquePointer?
        guard EVP_PKEY_fromdata(ctx, &pkey, selection, params) == 1, let pkey else {
            throw JOSECryptoError.invalidKey("OpenSSL refused the \(type) key: \(OpenSSLErrorQueue.drain())")
        }
        return EVPKey(owning: pkey)
    }

    /// Builds the OpenSSL key for a JWK (public, or private when `d` is present and `wantPrivate`).
    ///
    /// `libraryContext` is the OpenSSL library context the key is made in (nil: the default
    /// one), so that operations run in that context use it without OpenSSL copying it across.
    static func from(jwk: JWK, wantPrivate: Bool, libraryContext: OpaquePointer? = nil) throws -> EVPKey {
        let priv = wantPrivate
        if priv && jwk.d == nil && jwk.kty != "oct" {
            throw JOSECryptoError.invalidKey("\(jwk.kty) key has no private member \"d\"")
        }
        switch jwk.kty {
        case "RSA":
            let (n, e) = try JWKKeyMaterial.rsaPublic(jwk)
            let selection = priv ? jwtbench_evp_pkey_keypair() : jwtbench_evp_pkey_public_key()
            return try fromData(type: "RSA", selection: selection, libraryContext: libraryContext) { b in
                try b.pushBN("n", n)
                try b.pushBN("e", e)
                if priv {
                    try b.pushBN("d", try jwk.decoded("d", jwk.d))
                    if jwk.p != nil {
                        try b.pushBN("rsa-factor1", try jwk.decoded("p", jwk.p))
                        try b.pushBN("rsa-factor2", try jwk.decoded("q", jwk.q))
                        try b.pushBN("rsa-exponent1", try jwk.decoded("dp", jwk.dp))
                        try b.pushBN("rsa-exponent2", try jwk.decoded("dq", jwk.dq))
                        try b.pushBN("rsa-coefficient1", try jwk.decoded("qi", jwk.qi))
                    }
                }
            }
        case "EC":
            guard let curve = jwk.crv.flatMap(ECCurve.init(rawValue:)) else {
                throw JOSECryptoError.invalidKey("EC curve \(jwk.crv ?? "(none)") is not P-256, P-384 or P-521")
            }
            let (x, y) = try JWKKeyMaterial.ecCoordinates(jwk, curve: curve)
            let point: [UInt8] = [0x04] + x + y
            let selection = priv ? jwtbench_evp_pkey_keypair() : jwtbench_evp_pkey_public_key()
            let key = try fromData(type: "EC", selection: selection, libraryContext: libraryContext) { b in
                try b.pushUTF8("group", curve.opensslGroupStaticName)
                try b.pushOctets("pub", point)
                if priv { try b.pushBN("priv", try JWKKeyMaterial.ecPrivate(jwk, curve: curve)) }
            }
            try key.checkPublic(libraryContext: libraryContext)
            return key
        case "OKP":
            try JWKKeyMaterial.checkEd25519Curve(jwk)
            if priv {
                let d = try JWKKeyMaterial.ed25519Private(jwk)
                guard
                    let p = d.withUnsafeBufferPointer({
                        EVP_PKEY_new_raw_private_key_ex(libraryContext, "ED25519", nil, $0.baseAddress, 32)
                    })
                else {
                    throw JOSECryptoError.invalidKey("OpenSSL refused the Ed25519 private key: \(OpenSSLErrorQueue.drain())")
                }
                return EVPKey(owning: p)
            }
            let x = try JWKKeyMaterial.ed25519X(jwk)
            guard let p = x.withUnsafeBufferPointer({ EVP_PKEY_new_raw_public_key_ex(libraryContext, "ED25519", nil, $0.baseAddress, 32) })
            else {
                throw JOSECryptoError.invalidKey("OpenSSL refused the Ed25519 public key: \(OpenSSLErrorQueue.drain())")
            }
            return EVPKey(owning: p)
        default:
            throw JOSECryptoError.invalidKey("key type \"\(jwk.kty)\" has no OpenSSL key object")
        }
    }

    /// Runs OpenSSL's public-key check (EC: point on the curve and not at infinity).
    func checkPublic(libraryContext: OpaquePointer? = nil) throws {
        guard let ctx = EVP_PKEY_CTX_new_from_pkey(libraryContext, pointer, nil) else {
            throw OpenSSLErrorQueue.error("EVP_PKEY_CTX_new_from_pkey")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_public_check(ctx) == 1 else {
            throw JOSECryptoError.invalidKey("public key check failed (point not on the curve?): \(OpenSSLErrorQueue.drain())")
        }
    }

    // MARK: reading components back

    func bnParam(_ name: String, padTo width: Int = 0) throws -> [UInt8] {
        var bn: OpaquePointer?
        guard EVP_PKEY_get_bn_param(pointer, name, &bn) == 1, let bn else {
            throw OpenSSLErrorQueue.error("EVP_PKEY_get_bn_param(\(name))")
        }
        defer { BN_clear_free(bn) }
        let count = max(width, (Int(BN_num_bits(bn)) + 7) / 8)
        var out = [UInt8](repeating: 0, count: count)
        guard BN_bn2binpad(bn, &out, Int32(count)) == Int32(count) else { throw OpenSSLErrorQueue.error("BN_bn2binpad(\(name))") }
        return out
    }

    func utf8Param(_ name: String) throws -> String {
        var buffer = [CChar](repeating: 0, count: 80)
        var length = 0
        guard EVP_PKEY_get_utf8_string_param(pointer, name, &buffer, buffer.count, &length) == 1 else {
            throw OpenSSLErrorQueue.error("EVP_PKEY_get_utf8_string_param(\(name))")
        }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func rawKey(privateKey: Bool) throws -> [UInt8] {
        var length = 0
        let get = privateKey ? EVP_PKEY_get_raw_private_key : EVP_PKEY_get_raw_public_key
        guard get(pointer, nil, &length) == 1 else { throw OpenSSLErrorQueue.error("EVP_PKEY_get_raw_key") }
        var out = [UInt8](repeating: 0, count: length)
        guard get(pointer, &out, &length) == 1 else { throw OpenSSLErrorQueue.error("EVP_PKEY_get_raw_key") }
        return Array(out.prefix(length))
    }

    /// The key as a JWK (public members only unless `includePrivate`).
    func jwk(includePrivate: Bool) throws -> JWK {
        if isA("RSA") {
            var jwk = JWK(kty: "RSA", n: Base64URL.encode(try bnParam("n")), e: Base64URL.encode(try bnParam("e")))
            if includePrivate {
                jwk.d = Base64URL.encode(try bnParam("d"))
                jwk.p = Base64URL.encode(try bnParam("rsa-factor1"))
                jwk.q = Base64URL.encode(try bnParam("rsa-factor2"))
                jwk.dp = Base64URL.encode(try bnParam("rsa-exponent1"))
                jwk.dq = Base64URL.encode(try bnParam("rsa-exponent2"))
                jwk.qi = Base64URL.encode(try bnParam("rsa-coefficient1"))
            }
            return jwk
        }
        if isA("EC") {
            let group = try utf8Param("group")
            guard let curve = ECCurve.allCases.first(where: { $0.opensslGroupName == group || $0.rawValue == group }) else {
                throw JOSECryptoError.invalidKey("EC group \(group) is not P-256, P-384 or P-521")
            }
            let size = curve.coordinateByteCount
            var jwk = JWK(
                kty: "EC", crv: curve.rawValue,
                x: Base64URL.encode(try bnParam("qx", padTo: size)),
                y: Base64URL.encode(try bnParam("qy", padTo: size)))
            if includePrivate { jwk.d = Base64URL.encode(try bnParam("priv", padTo: size)) }
            return jwk
        }
        if isA("ED25519") {
            var jwk = JWK(kty: "OKP", crv: "Ed25519", x: Base64URL.encode(try rawKey(privateKey: false)))
            if includePrivate { jwk.d = Base64URL.encode(try rawKey(privateKey: true)) }
            return jwk
        }
        throw JOSECryptoError.invalidKey("OpenSSL key of an unsupported type")
    }

    // MARK: PEM and DER

    static func fromPEM(_ pem: String, privateKey: Bool) throws -> EVPKey {
        let bytes = Array(pem.utf8)
        return try bytes.withUnsafeBytes { buf -> EVPKey in
            guard let bio = BIO_new_mem_buf(buf.baseAddress, Int32(buf.count)) else { throw OpenSSLErrorQueue.error("BIO_new_mem_buf") }
            defer { BIO_free(bio) }
            let key = privateKey ? PEM_read_bio_PrivateKey(bio, nil, nil, nil) : PEM_read_bio_PUBKEY(bio, nil, nil, nil)
            guard let key else {
                throw JOSECryptoError.invalidKey(
                    "not a PEM \(privateKey ? "private key (PKCS#8)" : "public key (SubjectPublicKeyInfo)"): \(OpenSSLErrorQueue.drain())")
            }
            return EVPKey(owning: key)
        }
    }

    static func fromDER(_ der: [UInt8]) throws -> EVPKey {
        try der.withUnsafeBufferPointer { buf -> EVPKey in
            var p: UnsafePointer<UInt8>? = buf.baseAddress
            guard let key = d2i_PUBKEY(nil, &p, buf.count) else {
                throw JOSECryptoError.invalidKey("not a DER SubjectPublicKeyInfo: \(OpenSSLErrorQueue.drain())")
            }
            return EVPKey(owning: key)
        }
    }
}
