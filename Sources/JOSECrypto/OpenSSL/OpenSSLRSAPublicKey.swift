import COpenSSL

/// An RSA public key prepared for RSAVP1 (s^e mod n) with fewer Montgomery products than
/// `BN_mod_exp_mont`, shared by the PKCS#1 v1.5 and PSS verifiers.
///
/// `BN_mod_exp_mont` converts s into Montgomery form, multiplies the Montgomery one by it, and
/// converts the result back: about 19.5 Montgomery multiplications for e = 65537. A Montgomery
/// product of x and y is x*y/R mod n (R = 2^(64 * limbs of n)), so square-and-multiply over the
/// bits of e applied to s as it is leaves s^e / R^(e-1) after 16 squarings and 1 product, all
/// of them OpenSSL's own (`BN_mod_mul_montgomery`, its `bn_mul_mont`/`bn_sqr8x_mont` assembly
/// on x86-64). A caller that needs s^e itself (PSS) removes the factor with one more product,
/// by R^e mod n; one that compares against a known value (PKCS#1 v1.5) scales that value
/// instead (see `OpenSSLRSAPKCS1Verifier`).
final class OpenSSLRSAPublicKey: @unchecked Sendable {
    // @unchecked: written once in init, only read afterwards (`BN_mod_mul_montgomery` reads the
    // context); per-call state is the caller's BN_CTX.
    let modulus: OpaquePointer
    let montgomery: OpaquePointer
    /// R mod n.
    let rModN: OpaquePointer
    /// R^e mod n: the product that turns s^e / R^(e-1) into s^e.
    private let unscale: OpaquePointer
    /// e (KeyFit caps it at 64 bits) and its bit length: the square-and-multiply schedule.
    let exponentWord: UInt64
    let exponentBits: Int
    /// k in RFC 8017: the modulus length in bytes, and the only signature length accepted.
    let modulusBytes: Int
    /// The modulus length in bits.
    let modulusBits: Int

    init(key: EVPKey, algorithm: JWSAlgorithm) throws {
        var made: [OpaquePointer] = []
        var montgomeryContext: OpaquePointer?
        var done = false
        defer {
            if !done {
                for bn in made { BN_free(bn) }
                BN_MONT_CTX_free(montgomeryContext)
            }
        }
        var nParam: OpaquePointer?
        var eParam: OpaquePointer?
        let gotN = EVP_PKEY_get_bn_param(key.pointer, OSSL_PKEY_PARAM_RSA_N, &nParam) == 1
        if let nParam { made.append(nParam) }
        let gotE = EVP_PKEY_get_bn_param(key.pointer, OSSL_PKEY_PARAM_RSA_E, &eParam) == 1
        guard gotN, gotE, let n = nParam, let e = eParam else {
            BN_free(eParam)
            throw OpenSSLErrorQueue.error("reading the RSA modulus and exponent")
        }
        defer { BN_free(e) }
        guard let ctx = BN_CTX_new() else { throw OpenSSLErrorQueue.error("allocating a BN_CTX") }
        defer { BN_CTX_free(ctx) }
        montgomeryContext = BN_MONT_CTX_new()
        guard let mont = montgomeryContext, BN_is_odd(n) == 1, BN_MONT_CTX_set(mont, n, ctx) == 1 else {
            throw OpenSSLErrorQueue.error("preparing the Montgomery context of an RSA modulus")
        }
        let eBits = Int(BN_num_bits(e))
        guard eBits >= 2, eBits <= 64 else {
            throw JOSECryptoError.keyDoesNotFitAlgorithm(algorithm, "the RSA public exponent has \(eBits) bits; 2 to 64 are supported")
        }
        var word: UInt64 = 0
        for bit in 0..<eBits where BN_is_bit_set(e, Int32(bit)) == 1 { word |= 1 << UInt64(bit) }
        guard let r = BN_new() else { throw OpenSSLErrorQueue.error("allocating a bignum") }
        made.append(r)
        guard let unscale = BN_new() else { throw OpenSSLErrorQueue.error("allocating a bignum") }
        made.append(unscale)
        let words = (Int(BN_num_bits(n)) + 63) / 64
        guard BN_set_bit(r, Int32(64 * words)) == 1, BN_nnmod(r, r, n, ctx) == 1,
            BN_mod_exp(unscale, r, e, n, ctx) == 1
        else {
            throw OpenSSLErrorQueue.error("computing R^e mod n for an RSA modulus")
        }
        modulus = n
        montgomery = mont
        rModN = r
        self.unscale = unscale
        exponentWord = word
        exponentBits = eBits
        modulusBits = Int(BN_num_bits(n))
        modulusBytes = (modulusBits + 7) / 8
        done = true
    }

    deinit {
        BN_free(modulus)
        BN_free(rModN)
        BN_free(unscale)
        BN_MONT_CTX_free(montgomery)
    }

    /// s from the k signature bytes, refused unless 0 <= s < n (RFC 8017 RSAVP1 step 1).
    @inline(__always)
    func readSignature(_ bytes: UnsafePointer<UInt8>, into s: OpaquePointer) -> Bool {
        BN_bin2bn(bytes, Int32(modulusBytes), s) != nil && BN_ucmp(s, modulus) < 0
    }

    /// m = s^e / R^(e-1) mod n for 0 <= s < n. The invariant, after the bits of e down to
    /// `bit` read as v: m = s^v / R^(v-1) mod n.
    @inline(__always)
    func scaledPower(_ s: OpaquePointer, into m: OpaquePointer, ctx: OpaquePointer) -> Bool {
        guard BN_copy(m, s) != nil else { return false }
        var bit = exponentBits - 2
        while bit >= 0 {
            guard BN_mod_mul_montgomery(m, m, m, montgomery, ctx) == 1 else { return false }
            if exponentWord & (1 << UInt64(bit)) != 0 {
                guard BN_mod_mul_montgomery(m, m, s, montgomery, ctx) == 1 else { return false }
            }
            bit -= 1
        }
        return true
    }

    /// m = s^e mod n for 0 <= s < n (RSAVP1).
    @inline(__always)
    func power(_ s: OpaquePointer, into m: OpaquePointer, ctx: OpaquePointer) -> Bool {
        scaledPower(s, into: m, ctx: ctx) && BN_mod_mul_montgomery(m, m, unscale, montgomery, ctx) == 1
    }
}
