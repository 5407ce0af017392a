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
/// The exponentiation is `OpenSSLRSAPublicKey.scaledPower`: 16 squarings and 1 product for
/// e = 65537, leaving m = s^e / R^(e-1). Instead of a further product to remove 1/R^(e-1),
/// the expected encoding gets the same factor: EM = A + H, where A (the 0x00 0x01 0xFF.. 0x00
/// DigestInfo header, zeros where the digest goes) is fixed per key and algorithm and H is the
/// digest, so EM / R^(e-1) = A*D + H*D (mod n) with D = R^-(e-1) mod n. A*D is computed at key
/// load; H*D is a 256-bit by 2048-bit product and a short division, about a quarter of a
/// Montgomery product. Both sides are reduced below n, so comparing them as integers is
/// comparing the octet strings of the RFC (I2OSP is one to one below n, and EM < n because it
/// starts 0x00 0x01). Nothing here is secret (signature, message and key are public), so a
/// variable-time comparison leaks nothing.
final class OpenSSLRSAPKCS1Verifier: SignatureVerifier, @unchecked Sendable {
    // @unchecked: the key and the BIGNUMs are written once, in init, and only read afterwards;
    // per-call state is the thread's BN_CTX.
    let algorithm: JWSAlgorithm
    var backendName: String { "openssl" }
    private let key: OpenSSLRSAPublicKey
    /// D = R^-(e-1) mod n: the factor m carries after the exponentiation.
    private let descale: OpaquePointer
    /// A*D mod n, A being the expected encoding with the digest bytes zero.
    private let scaledPadding: OpaquePointer
    private let hashBits: Int32
    private let hashBytes: Int

    init(key evpKey: EVPKey, algorithm: JWSAlgorithm) throws {
        precondition(algorithm.family == .rsaPKCS1)
        self.algorithm = algorithm
        let key = try OpenSSLRSAPublicKey(key: evpKey, algorithm: algorithm)
        let k = key.modulusBytes
        let hashLength = algorithm.hash.byteCount
        let prefix = Self.digestInfoPrefix(algorithm.hash)
        // EMSA-PKCS1-v1_5 needs at least 8 bytes of 0xFF padding (RFC 8017 section 9.2 step 3);
        // KeyFit already refuses moduli under 2048 bits, so this only guards the arithmetic.
        guard k >= prefix.count + hashLength + 11 else {
            throw JOSECryptoError.keyDoesNotFitAlgorithm(algorithm, "an RSA modulus of \(k) bytes is too short")
        }
        guard let ctx = BN_CTX_new() else { throw OpenSSLErrorQueue.error("allocating a BN_CTX") }
        defer { BN_CTX_free(ctx) }
        var made: [OpaquePointer] = []
        var done = false
        defer { if !done { for bn in made { BN_free(bn) } } }
        func fresh() throws -> OpaquePointer {
            guard let bn = BN_new() else { throw OpenSSLErrorQueue.error("allocating a bignum") }
            made.append(bn)
            return bn
        }
        // D = (R^(e-1))^-1 mod n.
        let eMinusOne = try fresh()
        let rPower = try fresh()
        let d = try fresh()
        let padding = try fresh()
        let paddingTimesD = try fresh()
        guard BN_set_word(eMinusOne, UInt(key.exponentWord - 1)) == 1,
            BN_mod_exp(rPower, key.rModN, eMinusOne, key.modulus, ctx) == 1,
            BN_mod_inverse(d, rPower, key.modulus, ctx) != nil
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
            BN_mod_mul(paddingTimesD, padding, d, key.modulus, ctx) == 1
        else {
            throw OpenSSLErrorQueue.error("preparing the expected PKCS#1 v1.5 encoding")
        }
        BN_free(eMinusOne)
        BN_free(rPower)
        BN_free(padding)
        done = true
        self.key = key
        descale = d
        scaledPadding = paddingTimesD
        hashBytes = hashLength
        hashBits = Int32(hashLength * 8)
    }

    deinit {
        BN_free(descale)
        BN_free(scaledPadding)
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
        return [
            0x30, 0x11 + length, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, oidLast,
            0x05, 0x00, 0x04, length,
        ]
    }

    func verify(signature: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> Bool {
        // RFC 8017 section 8.2.2 step 1: the signature is exactly k bytes.
        guard signature.count == key.modulusBytes, let sig = signature.baseAddress?.assumingMemoryBound(to: UInt8.self),
            let ctx = ThreadContexts.current.bignumContext()
        else { return false }
        return withUnsafeTemporaryAllocation(byteCount: 64, alignment: 8) { digestBuffer in
            let digest = digestBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            guard jwtbench_sha(hashBits, message.baseAddress, message.count, digest) == Int32(hashBytes) else {
                return false
            }
            BN_CTX_start(ctx)
            defer { BN_CTX_end(ctx) }
            // Step 2: s as an integer below n; then m = s^e / R^(e-1) and the expected encoding
            // times D = 1 / R^(e-1), both mod n.
            guard let s = BN_CTX_get(ctx), let m = BN_CTX_get(ctx), let h = BN_CTX_get(ctx), let expected = BN_CTX_get(ctx),
                key.readSignature(sig, into: s),
                key.scaledPower(s, into: m, ctx: ctx),
                BN_bin2bn(digest, Int32(hashBytes), h) != nil,
                BN_mul(expected, h, descale, ctx) == 1,
                BN_nnmod(expected, expected, key.modulus, ctx) == 1,
                // Not BN_mod_add_quick: it mallocs a scratch buffer for moduli over 1024 bits.
                BN_add(expected, expected, scaledPadding) == 1,
                BN_ucmp(expected, key.modulus) < 0 || BN_usub(expected, expected, key.modulus) == 1
            else {
                OpenSSLErrorQueue.clear()
                return false
            }
            // Steps 3-4: the whole encoding, compared as the integer below n it is.
            return BN_cmp(m, expected) == 0
        }
    }
}
