import COpenSSL

/// PS256/384/512 verification as RFC 8017 sections 8.1.2 and 9.1.2 state it: RSAVP1 with
/// `OpenSSLRSAPublicKey.power` (17 Montgomery products for e = 65537 where `BN_mod_exp_mont`
/// spends about 19.5), then EMSA-PSS-VERIFY with MGF1 over the same hash and a salt as long
/// as the hash (RFC 7518 section 3.5), digests on the stack.
///
/// Why not `EVP_PKEY_verify` with PSS padding: the same arithmetic plus OpenSSL's per-call
/// allocations (a `BN_CTX`, the decrypted block, digest contexts for MGF1 and H'); here a warm
/// thread allocates nothing. The Wycheproof RSASSA-PSS suites run against it (the
/// `openssl/per-thread` configurations; the other call patterns keep EVP, as a reference).
final class OpenSSLRSAPSSVerifier: SignatureVerifier, @unchecked Sendable {
    // @unchecked: the key is written once, in init; per-call state is the thread's BN_CTX.
    let algorithm: JWSAlgorithm
    var backendName: String { "openssl" }
    private let key: OpenSSLRSAPublicKey
    private let hashBits: Int32
    private let hashBytes: Int

    init(key evpKey: EVPKey, algorithm: JWSAlgorithm) throws {
        precondition(algorithm.family == .rsaPSS)
        self.algorithm = algorithm
        key = try OpenSSLRSAPublicKey(key: evpKey, algorithm: algorithm)
        hashBytes = algorithm.hash.byteCount
        hashBits = Int32(hashBytes * 8)
        // emLen >= hLen + sLen + 2 with sLen = hLen (9.1.2 step 3); KeyFit's 2048-bit floor
        // makes this hold, the check only guards the arithmetic below.
        guard (key.modulusBits - 1 + 7) / 8 >= 2 * hashBytes + 2 else {
            throw JOSECryptoError.keyDoesNotFitAlgorithm(
                algorithm, "an RSA modulus of \(key.modulusBits) bits is too short for \(algorithm.rawValue)")
        }
    }

    func verify(signature: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> Bool {
        let k = key.modulusBytes
        // 8.1.2 step 1: the signature is exactly k bytes.
        guard signature.count == k, let sig = signature.baseAddress?.assumingMemoryBound(to: UInt8.self),
            let ctx = ThreadContexts.current.bignumContext()
        else { return false }
        let hLen = hashBytes
        let sLen = hashBytes
        let emBits = key.modulusBits - 1
        let emLen = (emBits + 7) / 8
        // Scratch: the k-byte block, then mHash, H', an MGF1 input (H || counter) and
        // M' = 0x00 * 8 || mHash || salt.
        return withUnsafeTemporaryAllocation(byteCount: k + 64 + 64 + 68 + 136, alignment: 8) { scratch in
            let block = scratch.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let mHash = block + k
            let hPrime = mHash + 64
            let mgfInput = hPrime + 64
            let mPrime = mgfInput + 68
            // 8.1.2 step 2: s below n, m = s^e mod n, EM = I2OSP(m, emLen).
            BN_CTX_start(ctx)
            let decrypted: Bool
            if let s = BN_CTX_get(ctx), let m = BN_CTX_get(ctx),
                key.readSignature(sig, into: s), key.power(s, into: m, ctx: ctx),
                BN_bn2binpad(m, block, Int32(k)) == Int32(k)
            {
                decrypted = true
            } else {
                decrypted = false
            }
            BN_CTX_end(ctx)
            guard decrypted else {
                OpenSSLErrorQueue.clear()
                return false
            }
            // emLen is k or k - 1 (when the modulus bit length is 1 mod 8); then the block's
            // first byte must be zero, since m < 2^emBits is what "I2OSP(m, emLen)" requires.
            if emLen < k && block[0] != 0 { return false }
            let em = block + (k - emLen)
            // 9.1.2 steps 1-4.
            guard jwtbench_sha(hashBits, message.baseAddress, message.count, mHash) == Int32(hLen),
                em[emLen - 1] == 0xBC
            else { return false }
            let dbLen = emLen - hLen - 1
            let h = em + dbLen
            // Step 6: the top 8 * emLen - emBits bits of maskedDB are zero.
            let zeroBits = 8 * emLen - emBits
            let topMask = UInt8(truncatingIfNeeded: 0xFF00 >> zeroBits)  // the bits that must be zero
            if em[0] & topMask != 0 { return false }
            // Steps 7-8: DB = maskedDB XOR MGF1(H, dbLen), in place.
            (mgfInput).update(from: h, count: hLen)
            var counter: UInt32 = 0
            var done = 0
            while done < dbLen {
                mgfInput[hLen] = UInt8(truncatingIfNeeded: counter >> 24)
                mgfInput[hLen + 1] = UInt8(truncatingIfNeeded: counter >> 16)
                mgfInput[hLen + 2] = UInt8(truncatingIfNeeded: counter >> 8)
                mgfInput[hLen + 3] = UInt8(truncatingIfNeeded: counter)
                guard jwtbench_sha(hashBits, mgfInput, hLen + 4, hPrime) == Int32(hLen) else { return false }
                let n = min(hLen, dbLen - done)
                for i in 0..<n { em[done + i] ^= hPrime[i] }
                done += n
                counter += 1
            }
            // Step 9: clear the top bits; step 10: PS is zeros, then 0x01, then the salt.
            em[0] &= ~topMask
            let psLen = emLen - hLen - sLen - 2
            var nonZero: UInt8 = 0
            for i in 0..<psLen { nonZero |= em[i] }
            guard nonZero == 0, em[psLen] == 0x01 else { return false }
            // Steps 11-14: H' = Hash(0x00 * 8 || mHash || salt), compared with H.
            mPrime.initialize(repeating: 0, count: 8)
            (mPrime + 8).update(from: mHash, count: hLen)
            (mPrime + 8 + hLen).update(from: em + (dbLen - sLen), count: sLen)
            guard jwtbench_sha(hashBits, mPrime, 8 + hLen + sLen, hPrime) == Int32(hLen) else { return false }
            return CRYPTO_memcmp(hPrime, h, hLen) == 0
        }
    }
}
