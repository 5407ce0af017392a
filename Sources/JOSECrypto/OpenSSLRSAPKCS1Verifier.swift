import COpenSSL

/// RS256/384/512 verification as RFC 8017 section 8.2.2 states it (RSAVP1, then the
/// EMSA-PKCS1-v1_5 encoding of the message digest compared whole), on OpenSSL's Montgomery
/// multiplication with a context prepared at key load and this thread's `BN_CTX`.
///
/// Why not `EVP_PKEY_verify`: around the same modular arithmetic OpenSSL 3.0 allocates 12
/// times per call (a `BN_CTX` and its bignums, the decrypted block, the re-encoded
/// `DigestInfo`) and 1 more to re-initialise a digest context. Here a warm thread allocates
/// nothing. Comparing the whole expected encoding, rather than parsing the decrypted block, is
/// the RFC's own method and leaves no parser to fool (Bleichenbacher's 2006 forgery attacked
/// lenient parsers); the Wycheproof PKCS#1 suites run against it.
///
/// Why not `BN_mod_exp_mont`: it converts s into Montgomery form, multiplies by the Montgomery
/// one, and converts the result back: about 19.5 Montgomery multiplications for e = 65537. A
/// Montgomery product of x and y is x*y/R mod n (R = 2^(64 * limbs of n)), so square-and-
/// multiply over the bits of e applied to s as it is leaves m = s^e / R^(e-1) mod n after 16
/// squarings and 1 product. Instead of a further product to remove 1/R^(e-1), the expected
/// encoding gets the same factor: EM = A + H, where A (the 0x00 0x01 0xFF.. 0x00 DigestInfo
/// header, zeros where the digest goes) is fixed per key and algorithm and H is the digest,
/// so EM / R^(e-1) = A*D + H*D (mod n) with D = R^-(e-1) mod n. A*D is computed at key load;
/// H*D is a 256-bit by 2048-bit product and a short division, about a quarter of a Montgomery
/// product. Both sides are reduced below n, so comparing them as integers is comparing the
/// octet strings of the RFC (I2OSP is one to one below n, and EM < n because it starts 0x00
/// 0x01). Nothing here is secret (signature, message and key are public), so a variable-time
/// comparison leaks nothing.
final class OpenSSLRSAPKCS1Verifier: SignatureVerifier, @unchecked Sendable {
    // @unchecked: the BIGNUMs and the Montgomery context are written once, in init, and only
    // read afterwards (`BN_mod_mul_montgomery` reads the context); per-call state is the
    // thread's BN_CTX.
    let algorithm: JWSAlgorithm
    var backendName: String { "openssl" }
    private let modulus: OpaquePointer
    private let montgomery: OpaquePointer
    /// D = R^-(e-1) mod n: the factor m carries after the exponentiation.
    private let descale: OpaquePointer
    /// A*D mod n, A being the expected encoding with the digest bytes zero.
    private let scaledPadding: OpaquePointer
    /// e (KeyFit caps it at 64 bits) and its bit length: the square-and-multiply schedule.
    private let exponentWord: UInt64
    private let exponentBits: Int
    /// k in RFC 8017: the modulus length in bytes, and the only signature length accepted.
    private let modulusBytes: Int
    private let hashBits: Int32
    private let hashBytes: Int

    init(key: EVPKey, algorithm: JWSAlgorithm) throws {
        precondition(algorithm.family == .rsaPKCS1)
        self.algorithm = algorithm
        // Every BIGNUM made here is freed on the way out unless it is kept.
        var owned: [OpaquePointer] = []
        var kept: Set<OpaquePointer> = []
        var montgomeryContext: OpaquePointer?
        defer {
            for bn in owned where !kept.contains(bn) { BN_free(bn) }
            if kept.isEmpty { BN_MONT_CTX_free(montgomeryContext) }
        }
        func fresh() throws -> OpaquePointer {
            guard let bn = BN_new() else { throw OpenSSLErrorQueue.error("allocating a bignum") }
            owned.append(bn)
            return bn
        }
        var nParam: OpaquePointer?
        var eParam: OpaquePointer?
        let gotN = EVP_PKEY_get_bn_param(key.pointer, OSSL_PKEY_PARAM_RSA_N, &nParam) == 1
        if let nParam { owned.append(nParam) }
        let gotE = EVP_PKEY_get_bn_param(key.pointer, OSSL_PKEY_PARAM_RSA_E, &eParam) == 1
        if let eParam { owned.append(eParam) }
        guard gotN, gotE, let n = nParam, let e = eParam else {
            throw OpenSSLErrorQueue.error("reading the RSA modulus and exponent")
        }
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

        let k = (Int(BN_num_bits(n)) + 7) / 8
        let hashLength = algorithm.hash.byteCount
        let prefix = Self.digestInfoPrefix(algorithm.hash)
        // EMSA-PKCS1-v1_5 needs at least 8 bytes of 0xFF padding (RFC 8017 section 9.2 step 3);
        // KeyFit already refuses moduli under 2048 bits, so this only guards the arithmetic.
        guard k >= prefix.count + hashLength + 11 else {
            throw JOSECryptoError.keyDoesNotFitAlgorithm(algorithm, "an RSA modulus of \(k) bytes is too short")
        }
        // R = 2^(64 * limbs of n), the R of OpenSSL's Montgomery context; D = (R^(e-1))^-1 mod n.
        let r = try fresh(), rPower = try fresh(), eMinusOne = try fresh(), d = try fresh()
        let padding = try fresh(), paddingTimesD = try fresh()
        let words = (Int(BN_num_bits(n)) + 63) / 64
        guard BN_set_bit(r, Int32(64 * words)) == 1, BN_nnmod(r, r, n, ctx) == 1,
              BN_copy(eMinusOne, e) != nil, BN_sub_word(eMinusOne, 1) == 1,
              BN_mod_exp(rPower, r, eMinusOne, n, ctx) == 1,
              BN_mod_inverse(d, rPower, n, ctx) != nil
        else {
            throw OpenSSLErrorQueue.error("computing R^-(e-1) mod n for an RSA modulus")
        }
        // A = 0x00 || 0x01 || 0xFF.. || 0x00 || DigestInfo prefix || zeros (the digest's place).
        var encoding = [UInt8](repeating: 0, count: k)
        let prefixAt = k - hashLength - prefix.count
        encoding[1] = 1
        for i in 2..<(prefixAt - 1) { encoding[i] = 0xFF }
        encoding.replaceSubrange(prefixAt..<(prefixAt + prefix.count), with: prefix)
        guard BN_bin2bn(encoding, Int32(k), padding) != nil,
              BN_mod_mul(paddingTimesD, padding, d, n, ctx) == 1
        else {
            throw OpenSSLErrorQueue.error("preparing the expected PKCS#1 v1.5 encoding")
        }
        kept = [n, d, paddingTimesD]
        modulus = n
        montgomery = mont
        descale = d
        scaledPadding = paddingTimesD
        exponentWord = word
        exponentBits = eBits
        modulusBytes = k
        hashBytes = hashLength
        hashBits = Int32(hashLength * 8)
    }

    deinit {
        BN_free(modulus)
        BN_free(descale)
        BN_free(scaledPadding)
        BN_MONT_CTX_free(montgomery)
    }

    /// The DER of `DigestInfo ::= SEQUENCE { AlgorithmIdentifier { oid, NULL }, OCTET STRING }`
    /// up to the digest itself, for the SHA-2 OIDs 2.16.840.1.101.3.4.2.1/2/3.
    static func digestInfoPrefix(_ hash: HashFunction) -> [UInt8] {
        let (oidLast, length): (UInt8, UInt8)
        switch hash {
        case .sha256: (oidLast, length) = (0x01, 0x20)
        case .sha384: (oidLast, length) = (0x02, 0x30)
        case .sha512: (oidLast, length) = (0x03, 0x40)
        }
        return [0x30, 0x11 + length, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, oidLast,
                0x05, 0x00, 0x04, length]
    }

    func verify(signature: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> Bool {
        let k = modulusBytes
        // RFC 8017 section 8.2.2 step 1: the signature is exactly k bytes.
        guard signature.count == k, let sig = signature.baseAddress?.assumingMemoryBound(to: UInt8.self),
              let ctx = ThreadContexts.current.bignumContext()
        else { return false }
        return withUnsafeTemporaryAllocation(byteCount: 64, alignment: 8) { digestBuffer in
            let digest = digestBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            guard jwtbench_sha(hashBits, message.baseAddress, message.count, digest) == Int32(hashBytes) else {
                return false
            }
            BN_CTX_start(ctx)
            defer { BN_CTX_end(ctx) }
            // Step 2: s as an integer, refused unless 0 <= s < n (RSAVP1 step 1); then
            // m = s^e / R^(e-1) and the expected encoding times D = 1 / R^(e-1), both mod n.
            guard let s = BN_CTX_get(ctx), let m = BN_CTX_get(ctx), let h = BN_CTX_get(ctx), let expected = BN_CTX_get(ctx),
                  BN_bin2bn(sig, Int32(k), s) != nil, BN_ucmp(s, modulus) < 0,
                  scaledPower(s, into: m, ctx: ctx),
                  BN_bin2bn(digest, Int32(hashBytes), h) != nil,
                  BN_mul(expected, h, descale, ctx) == 1,
                  BN_nnmod(expected, expected, modulus, ctx) == 1,
                  // Not BN_mod_add_quick: it mallocs a scratch buffer for moduli over 1024 bits.
                  BN_add(expected, expected, scaledPadding) == 1,
                  BN_ucmp(expected, modulus) < 0 || BN_usub(expected, expected, modulus) == 1
            else {
                OpenSSLErrorQueue.clear()
                return false
            }
            // Steps 3-4: the whole encoding, compared as the integer below n it is.
            return BN_cmp(m, expected) == 0
        }
    }

    /// m = s^e / R^(e-1) mod n for 0 <= s < n, by Montgomery products of s as it is. The
    /// invariant, after the bits of e down to `bit` read as v: m = s^v / R^(v-1) mod n.
    @inline(__always)
    private func scaledPower(_ s: OpaquePointer, into m: OpaquePointer, ctx: OpaquePointer) -> Bool {
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
}
