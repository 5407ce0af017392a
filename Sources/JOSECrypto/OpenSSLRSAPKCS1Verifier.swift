import COpenSSL

/// RS256/384/512 verification as RFC 8017 section 8.2.2 states it: RSAVP1 (s^e mod n, by
/// OpenSSL's `BN_mod_exp_mont` with a Montgomery context prepared at key load and this
/// thread's `BN_CTX`), then the complete EMSA-PKCS1-v1_5 encoding of the message digest built
/// here and compared with `CRYPTO_memcmp`.
///
/// Why not `EVP_PKEY_verify`: the modular exponentiation is the same OpenSSL code, but around
/// it OpenSSL 3.0 allocates 12 times per call (a `BN_CTX` and its bignums, the decrypted
/// block, the re-encoded `DigestInfo`) and 1 more to re-initialise a digest context. Here a
/// warm thread allocates nothing. Comparing the whole expected encoding, rather than parsing
/// the decrypted block, is the RFC's own method and leaves no parser to fool (Bleichenbacher's
/// 2006 forgery attacked lenient parsers); the Wycheproof PKCS#1 suites run against it.
final class OpenSSLRSAPKCS1Verifier: SignatureVerifier, @unchecked Sendable {
    // @unchecked: the BIGNUMs and the Montgomery context are written once, in init, and only
    // read afterwards (`BN_mod_exp_mont` reads `in_mont`); per-call state is the thread's BN_CTX.
    let algorithm: JWSAlgorithm
    var backendName: String { "openssl" }
    private let modulus: OpaquePointer
    private let exponent: OpaquePointer
    private let montgomery: OpaquePointer
    /// k in RFC 8017: the modulus length in bytes, and the only signature length accepted.
    private let modulusBytes: Int
    /// The DER `DigestInfo` header before the digest (RFC 8017 section 9.2, note 1).
    private let digestInfoPrefix: [UInt8]
    private let hashBits: Int32
    private let hashBytes: Int

    init(key: EVPKey, algorithm: JWSAlgorithm) throws {
        precondition(algorithm.family == .rsaPKCS1)
        self.algorithm = algorithm
        var n: OpaquePointer?
        var e: OpaquePointer?
        guard EVP_PKEY_get_bn_param(key.pointer, OSSL_PKEY_PARAM_RSA_N, &n) == 1, let n,
              EVP_PKEY_get_bn_param(key.pointer, OSSL_PKEY_PARAM_RSA_E, &e) == 1, let e
        else {
            BN_free(n)
            throw OpenSSLErrorQueue.error("reading the RSA modulus and exponent")
        }
        guard let mont = BN_MONT_CTX_new(), let ctx = BN_CTX_new() else {
            BN_free(n)
            BN_free(e)
            throw OpenSSLErrorQueue.error("allocating a Montgomery context")
        }
        defer { BN_CTX_free(ctx) }
        guard BN_is_odd(n) == 1, BN_MONT_CTX_set(mont, n, ctx) == 1 else {
            BN_free(n)
            BN_free(e)
            BN_MONT_CTX_free(mont)
            throw OpenSSLErrorQueue.error("preparing the Montgomery context of an RSA modulus")
        }
        modulus = n
        exponent = e
        montgomery = mont
        modulusBytes = (Int(BN_num_bits(n)) + 7) / 8
        hashBytes = algorithm.hash.byteCount
        hashBits = Int32(hashBytes * 8)
        digestInfoPrefix = Self.digestInfoPrefix(algorithm.hash)
        // EMSA-PKCS1-v1_5 needs at least 8 bytes of 0xFF padding (RFC 8017 section 9.2 step 3);
        // KeyFit already refuses moduli under 2048 bits, so this only guards the arithmetic.
        guard modulusBytes >= digestInfoPrefix.count + hashBytes + 11 else {
            throw JOSECryptoError.keyDoesNotFitAlgorithm(algorithm, "an RSA modulus of \(modulusBytes) bytes is too short")
        }
    }

    deinit {
        BN_free(modulus)
        BN_free(exponent)
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
        // Two k-byte buffers (512 bytes each for RSA-4096) stay under the stack limit of
        // withUnsafeTemporaryAllocation, where one 2k buffer would not.
        return withUnsafeTemporaryAllocation(byteCount: k, alignment: 8) { expectedBuffer in
            withUnsafeTemporaryAllocation(byteCount: k, alignment: 8) { encodedBuffer in
                let expected = expectedBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
                let encoded = encodedBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
                // EM' = 0x00 || 0x01 || 0xFF... || 0x00 || DigestInfo prefix || H(message)
                let prefixAt = k - hashBytes - digestInfoPrefix.count
                expected[0] = 0
                expected[1] = 1
                (expected + 2).initialize(repeating: 0xFF, count: prefixAt - 3)
                expected[prefixAt - 1] = 0
                digestInfoPrefix.withUnsafeBufferPointer { (expected + prefixAt).update(from: $0.baseAddress!, count: $0.count) }
                guard jwtbench_sha(hashBits, message.baseAddress, message.count, expected + (k - hashBytes)) == Int32(hashBytes) else {
                    return false
                }
                BN_CTX_start(ctx)
                defer { BN_CTX_end(ctx) }
                // Step 2: s as an integer, refused unless 0 <= s < n (RSAVP1 step 1), then m = s^e mod n.
                guard let s = BN_CTX_get(ctx), let m = BN_CTX_get(ctx),
                      BN_bin2bn(sig, Int32(k), s) != nil, BN_ucmp(s, modulus) < 0,
                      BN_mod_exp_mont(m, s, exponent, modulus, ctx, montgomery) == 1,
                      BN_bn2binpad(m, encoded, Int32(k)) == Int32(k)
                else {
                    OpenSSLErrorQueue.clear()
                    return false
                }
                // Steps 3-4: compare the whole encoding.
                return CRYPTO_memcmp(encoded, expected, k) == 0
            }
        }
    }
}
