import COpenSSL

/// The JWE decryption algorithm (RFC 7516 section 5.2, steps 10 to 16) over a parsed token:
/// recover the CEK with the recipient's key, then decrypt and authenticate the content.
///
/// Every failure is `nil` and nothing else, so the caller gives one reason for all of them.
/// Lengths (IV, tag, encrypted key) are public and checked before any key is used. An RSA-OAEP
/// failure does not stop the work: it continues with a random CEK and fails at the tag, so
/// its timing is that of a wrong tag (RFC 7516 section 11.5).
public enum JWEDecryption {
    /// The header parameters key management reads (decoded from base64url where they are).
    public struct KeyParameters: Sendable {
        /// `epk`'s curve and coordinates (ECDH-ES only).
        public var epkCurve: ECCurve?
        public var epkX: [UInt8]
        public var epkY: [UInt8]
        public var apu: [UInt8]
        public var apv: [UInt8]
        /// `iv` and `tag` of AxxxGCMKW.
        public var iv: [UInt8]?
        public var tag: [UInt8]?

        public init(
            epkCurve: ECCurve? = nil, epkX: [UInt8] = [], epkY: [UInt8] = [], apu: [UInt8] = [], apv: [UInt8] = [],
            iv: [UInt8]? = nil, tag: [UInt8]? = nil
        ) {
            self.epkCurve = epkCurve
            self.epkX = epkX
            self.epkY = epkY
            self.apu = apu
            self.apv = apv
            self.iv = iv
            self.tag = tag
        }
    }

    /// The plaintext, or nil when anything fails. `aad` is the protected header's base64url
    /// text as it appeared in the token.
    public static func decrypt(
        alg: JWEKeyManagement, enc: JWEContentEncryption, key: JWEDecryptionKey, parameters: KeyParameters,
        encryptedKey: [UInt8], iv: [UInt8], aad: [UInt8], ciphertext: [UInt8], tag: [UInt8]
    ) -> [UInt8]? {
        guard key.fits(alg, enc), iv.count == enc.ivBytes, tag.count == enc.tagBytes,
            let cek = contentKey(alg: alg, enc: enc, key: key, parameters: parameters, encryptedKey: encryptedKey)
        else { return nil }
        return decryptContent(enc: enc, cek: cek, iv: iv, aad: aad, ciphertext: ciphertext, tag: tag, cipher: key.cipher)
    }

    /// Step 10: the CEK, exactly `enc.keyBytes` long, or nil (public for the stage profiler).
    public static func contentKey(
        alg: JWEKeyManagement, enc: JWEContentEncryption, key: JWEDecryptionKey, parameters: KeyParameters, encryptedKey: [UInt8]
    ) -> [UInt8]? {
        let cipher = key.cipher
        let cek: [UInt8]?
        switch (alg.family, key.material) {
        case (.direct, .secret(let secret)):
            // RFC 7516 5.2 step 10: with direct key agreement or encryption the encrypted key
            // must be empty.
            cek = encryptedKey.isEmpty ? secret : nil
        case (.keyWrap, .secret(let kek)):
            cek = cipher.keyUnwrap(kek: kek, wrapped: encryptedKey)
        case (.gcmKeyWrap, .secret(let kek)):
            guard let iv = parameters.iv, iv.count == 12, let tag = parameters.tag, tag.count == 16 else { return nil }
            cek = cipher.gcmDecrypt(key: kek, iv: iv, aad: [], ciphertext: encryptedKey, tag: tag)
        case (.rsaOAEP, .asymmetric(let privateKey)):
            let decrypted = privateKey.oaepDecrypt(encryptedKey, sha256: alg == .rsaOAEP256)
            if let decrypted, decrypted.count == enc.keyBytes { return decrypted }
            // Not a distinct failure: go on with a random CEK, so the content's tag fails and
            // the timing matches a wrong tag (RFC 7516 section 11.5).
            return (try? KeyGenerator.randomBytes(enc.keyBytes)) ?? [UInt8](repeating: 0, count: enc.keyBytes)
        case (.ecdhES, .asymmetric(let privateKey)), (.ecdhESKeyWrap, .asymmetric(let privateKey)):
            guard let curve = privateKey.curve, parameters.epkCurve == curve,
                let z = privateKey.agree(peerX: parameters.epkX, peerY: parameters.epkY)
            else { return nil }
            if alg == .ecdhES {
                guard encryptedKey.isEmpty else { return nil }
                cek = ConcatKDF.derive(z: z, byteCount: enc.keyBytes, algorithmID: enc.rawValue, apu: parameters.apu, apv: parameters.apv)
            } else {
                guard let kekBytes = alg.keyEncryptionKeyBytes else { return nil }
                let kek = ConcatKDF.derive(z: z, byteCount: kekBytes, algorithmID: alg.rawValue, apu: parameters.apu, apv: parameters.apv)
                cek = cipher.keyUnwrap(kek: kek, wrapped: encryptedKey)
            }
        default:
            return nil
        }
        // A wrapped key of the wrong length is refused, never truncated or padded.
        guard let cek, cek.count == enc.keyBytes else { return nil }
        return cek
    }

    /// Steps 14 to 16: authenticate and decrypt the content with the CEK.
    public static func decryptContent(
        enc: JWEContentEncryption, cek: [UInt8], iv: [UInt8], aad: [UInt8], ciphertext: [UInt8], tag: [UInt8], cipher: any JWECipher
    ) -> [UInt8]? {
        guard cek.count == enc.keyBytes, iv.count == enc.ivBytes, tag.count == enc.tagBytes else { return nil }
        if enc.isGCM {
            return cipher.gcmDecrypt(key: cek, iv: iv, aad: aad, ciphertext: ciphertext, tag: tag)
        }
        // RFC 7518 5.2.2.2: the MAC first, compared in constant time; the padding is looked at
        // only for authentic ciphertexts, so a padding failure is no oracle.
        let half = enc.keyBytes / 2
        let macKey = Array(cek[0..<half])
        let encKey = Array(cek[half...])
        guard let expected = cbcTag(enc: enc, macKey: macKey, iv: iv, aad: aad, ciphertext: ciphertext, cipher: cipher),
            constantTimeEqual(expected, tag)
        else { return nil }
        return cipher.cbcDecrypt(key: encKey, iv: iv, ciphertext: ciphertext)
    }

    /// The CBC-HS tag: HMAC over AAD || IV || ciphertext || AL (the AAD's length in bits,
    /// 64-bit big-endian), truncated to half the hash.
    public static func cbcTag(
        enc: JWEContentEncryption, macKey: [UInt8], iv: [UInt8], aad: [UInt8], ciphertext: [UInt8], cipher: any JWECipher
    ) -> [UInt8]? {
        let bits = UInt64(aad.count) * 8
        let al = (0..<8).map { UInt8(truncatingIfNeeded: bits >> (56 - 8 * UInt64($0))) }
        guard let mac = cipher.hmac(enc.macHash, key: macKey, message: aad + iv + ciphertext + al) else { return nil }
        return Array(mac.prefix(enc.tagBytes))
    }

    /// `CRYPTO_memcmp`: the time does not depend on where the bytes differ.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { x in b.withUnsafeBytes { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, a.count) == 0 } }
    }
}
