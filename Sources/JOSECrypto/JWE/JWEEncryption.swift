/// Makes compact JWEs (RFC 7516 section 5.1) for a recipient's public key or a shared secret:
/// the minter's and the tests' encrypter. A random CEK and IV per token (OpenSSL's DRBG).
public enum JWEEncryption {
    /// What a token carries beyond the algorithms, and deliberate flaws for bad variants.
    public struct Options: Sendable {
        public var kid: String?
        /// `cty` (`JWT` for a nested token).
        public var contentType: String?
        /// More protected-header members as (name, JSON value text), in order.
        public var extraHeader: [(String, String)]
        /// Replaces the ephemeral key's coordinates in `epk` (an invalid-curve point).
        public var epkOverride: (x: [UInt8], y: [UInt8])?
        public var apu: [UInt8]
        public var apv: [UInt8]
        /// Reproducible randomness (the minter's): the CEK, the IVs, the OAEP seed and the
        /// ephemeral key follow from these bytes, drawn through OpenSSL's seeded library
        /// context (`OpenSSLSeededJWE`); nil draws from OpenSSL's DRBG.
        public var seed: [UInt8]?

        public init(
            kid: String? = nil, contentType: String? = nil, extraHeader: [(String, String)] = [],
            epkOverride: (x: [UInt8], y: [UInt8])? = nil, apu: [UInt8] = [], apv: [UInt8] = [], seed: [UInt8]? = nil
        ) {
            self.seed = seed
            self.kid = kid
            self.contentType = contentType
            self.extraHeader = extraHeader
            self.epkOverride = epkOverride
            self.apu = apu
            self.apv = apv
        }
    }

    /// `plaintext` encrypted to `recipient` (a public RSA or EC JWK, or an `oct` secret).
    public static func encrypt(
        _ plaintext: [UInt8], alg: JWEKeyManagement, enc: JWEContentEncryption, recipient: JWK, options: Options = Options(),
        cipher: any JWECipher = OpenSSLJWECipher()
    ) throws -> String {
        func failed(_ what: String) -> JOSECryptoError { .unsupportedAlgorithm("\(alg.rawValue)/\(enc.rawValue): \(what) failed") }
        guard recipient.kty == alg.keyType else {
            throw JOSECryptoError.invalidKey("a \(recipient.kty) key cannot serve \(alg.rawValue)")
        }
        var header: [(String, String)] = [("alg", quote(alg.rawValue)), ("enc", quote(enc.rawValue))]
        if let kid = options.kid { header.append(("kid", quote(kid))) }
        if let cty = options.contentType { header.append(("cty", quote(cty))) }
        var draws = 0
        func random(_ count: Int) throws -> [UInt8] {
            guard let seed = options.seed else { return try KeyGenerator.randomBytes(count) }
            draws += 1
            return OpenSSLSeededJWE.expand(seed, label: draws, count: count)
        }
        var cek = try random(enc.keyBytes)
        var encryptedKey: [UInt8] = []
        switch alg.family {
        case .direct:
            cek = try recipient.decoded("k", recipient.k)
            guard cek.count == enc.keyBytes else { throw JOSECryptoError.invalidKey("dir needs a \(enc.keyBytes)-byte secret") }
        case .keyWrap:
            guard let wrapped = cipher.keyWrap(kek: try recipient.decoded("k", recipient.k), key: cek) else { throw failed("key wrap") }
            encryptedKey = wrapped
        case .gcmKeyWrap:
            let iv = try random(12)
            guard let sealed = cipher.gcmEncrypt(key: try recipient.decoded("k", recipient.k), iv: iv, aad: [], plaintext: cek) else {
                throw failed("AES-GCM key wrap")
            }
            encryptedKey = sealed.ciphertext
            header += [("iv", quote(Base64URL.encode(iv))), ("tag", quote(Base64URL.encode(sealed.tag)))]
        case .rsaOAEP:
            if options.seed != nil {
                encryptedKey = try OpenSSLSeededJWE.oaepEncrypt(
                    recipient, cek, sha256: alg == .rsaOAEP256, bytes: try random(OpenSSLSeededJWE.privateByteCount))
            } else {
                guard let sealed = try cipher.publicKey(recipient).oaepEncrypt(cek, sha256: alg == .rsaOAEP256) else {
                    throw failed("RSA-OAEP")
                }
                encryptedKey = sealed
            }
        case .ecdhES, .ecdhESKeyWrap:
            let publicKey = try cipher.publicKey(recipient)
            guard let curve = publicKey.curve else { throw failed("ECDH") }
            let agreement: (x: [UInt8], y: [UInt8], z: [UInt8])
            if options.seed != nil {
                agreement = try OpenSSLSeededJWE.ephemeral(
                    curve, recipient: recipient, bytes: try random(OpenSSLSeededJWE.privateByteCount))
            } else {
                guard let fresh = publicKey.ephemeralAgreement() else { throw failed("ECDH") }
                agreement = fresh
            }
            let x = options.epkOverride?.x ?? agreement.x
            let y = options.epkOverride?.y ?? agreement.y
            header.append(
                (
                    "epk",
                    "{\"kty\":\"EC\",\"crv\":\(quote(curve.rawValue)),\"x\":\(quote(Base64URL.encode(x))),\"y\":\(quote(Base64URL.encode(y)))}"
                ))
            if !options.apu.isEmpty { header.append(("apu", quote(Base64URL.encode(options.apu)))) }
            if !options.apv.isEmpty { header.append(("apv", quote(Base64URL.encode(options.apv)))) }
            if alg == .ecdhES {
                cek = ConcatKDF.derive(
                    z: agreement.z, byteCount: enc.keyBytes, algorithmID: enc.rawValue, apu: options.apu, apv: options.apv)
            } else {
                let kek = ConcatKDF.derive(
                    z: agreement.z, byteCount: alg.keyEncryptionKeyBytes ?? 16, algorithmID: alg.rawValue, apu: options.apu,
                    apv: options.apv)
                guard let wrapped = cipher.keyWrap(kek: kek, key: cek) else { throw failed("key wrap") }
                encryptedKey = wrapped
            }
        }
        header += options.extraHeader
        let headerJSON = "{" + header.map { "\(quote($0.0)):\($0.1)" }.joined(separator: ",") + "}"
        let protected = Base64URL.encode(Array(headerJSON.utf8))
        let aad = Array(protected.utf8)
        let iv = try random(enc.ivBytes)
        let ciphertext: [UInt8]
        let tag: [UInt8]
        if enc.isGCM {
            guard let sealed = cipher.gcmEncrypt(key: cek, iv: iv, aad: aad, plaintext: plaintext) else { throw failed("AES-GCM") }
            (ciphertext, tag) = sealed
        } else {
            let half = enc.keyBytes / 2
            guard let sealed = cipher.cbcEncrypt(key: Array(cek[half...]), iv: iv, plaintext: plaintext),
                let mac = JWEDecryption.cbcTag(enc: enc, macKey: Array(cek[0..<half]), iv: iv, aad: aad, ciphertext: sealed, cipher: cipher)
            else { throw failed("AES-CBC-HMAC") }
            (ciphertext, tag) = (sealed, mac)
        }
        return [protected, Base64URL.encode(encryptedKey), Base64URL.encode(iv), Base64URL.encode(ciphertext), Base64URL.encode(tag)]
            .joined(separator: ".")
    }

    /// A JSON string literal (the names and values here are ASCII without quotes).
    static func quote(_ s: String) -> String { "\"\(s)\"" }
}
