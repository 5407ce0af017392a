import JOSECrypto
import Testing

@testable import JWTValidation

/// Encrypted and nested tokens through the validator: every key-management and
/// content-encryption algorithm on both backends, the requirement modes, and the attacks.
@Suite struct JWEValidatorTests {
    static let ciphers: [any JWECipher] = [OpenSSLJWECipher(), BoringSSLJWECipher()]
    let now = Fixtures.now

    @Test(arguments: JWEKeyManagement.allCases)
    func nestedTokensDecryptOnBothBackendsEitherWay(alg: JWEKeyManagement) {
        for enc in JWEContentEncryption.allCases {
            for maker in Self.ciphers {
                let token = JWEFixtures.encrypt(Fixtures.token(), alg, enc, nested: true, cipher: maker)
                for reader in Self.ciphers {
                    let decision = JWEFixtures.validator(JWEFixtures.rules(.nested, cipher: reader)).validate(token: token, now: now)
                    guard case .allow(let verified) = decision else {
                        Issue.record(
                            "\(alg.rawValue)+\(enc.rawValue) \(maker.name)->\(reader.name): \(String(describing: decision.reason))")
                        continue
                    }
                    #expect(verified.algorithm == .rs256)
                    #expect(verified.encryption?.nested == true)
                    #expect(verified.encryption?.keyManagement == alg)
                    #expect(verified.payload["sub"] as? String == "user-42")
                }
            }
        }
    }

    @Test(arguments: [ECCurve.p384, .p521])
    func ecdhOnEveryCurve(curve: ECCurve) {
        for alg in [JWEKeyManagement.ecdhES, .ecdhESA256KW] {
            for cipher in Self.ciphers {
                let token = JWEFixtures.encrypt(Fixtures.token(), alg, .a256GCM, nested: true, curve: curve, cipher: cipher)
                #expect(JWEFixtures.validator(JWEFixtures.rules(.nested, cipher: cipher)).validate(token: token, now: now).isAllowed)
            }
        }
    }

    @Test func requirementModes() {
        let jws = Fixtures.token()
        let nested = JWEFixtures.nested()
        let plain = JWEFixtures.encrypt(Fixtures.claims(), .dir, .a256GCM, nested: false)
        let signedOnly = Fixtures.validator()
        #expect(signedOnly.validate(token: jws, now: now).isAllowed)
        #expect(signedOnly.validate(token: nested, now: now).reason == .encryptionNotAllowed)
        let nestedOnly = JWEFixtures.validator(JWEFixtures.rules(.nested))
        #expect(nestedOnly.validate(token: jws, now: now).reason == .encryptionRequired)
        #expect(nestedOnly.validate(token: nested, now: now).isAllowed)
        #expect(nestedOnly.validate(token: plain, now: now).reason == .encryptionRequired)
        let encryptedOnly = JWEFixtures.validator(JWEFixtures.rules(.encrypted, algs: [.dir, .a256KW]))
        #expect(encryptedOnly.validate(token: jws, now: now).reason == .encryptionRequired)
        guard case .allow(let verified) = encryptedOnly.validate(token: plain, now: now) else {
            Issue.record("a non-nested dir token is allowed under require: encrypted")
            return
        }
        #expect(verified.algorithm == nil)
        #expect(verified.algorithmName == "dir+A256GCM")
        #expect(verified.payload["iss"] as? String == Fixtures.issuer)
        #expect(encryptedOnly.validate(token: nested, now: now).reason == .algorithmNotAllowed)  // RSA-OAEP-256 not listed
    }

    @Test func nonNestedTokensWithPublicKeyManagementNeverAuthenticate() {
        // Even if rules were built by hand with require: encrypted and RSA-OAEP allowed.
        let validator = JWEFixtures.validator(JWEFixtures.rules(.encrypted))
        for alg in [JWEKeyManagement.rsaOAEP, .rsaOAEP256, .ecdhES, .ecdhESA128KW] {
            let token = JWEFixtures.encrypt(Fixtures.claims(), alg, .a128GCM, nested: false)
            #expect(validator.validate(token: token, now: now).reason == .encryptionRequired, "\(alg.rawValue)")
        }
    }

    @Test func nonNestedClaimsGoThroughTheClaimChecks() {
        let validator = JWEFixtures.validator(JWEFixtures.rules(.encrypted, algs: [.a128KW, .dir]))
        let expired = JWEFixtures.encrypt(Fixtures.claims(exp: "\(now - 1)"), .a128KW, .a128CBCHS256, nested: false)
        #expect(validator.validate(token: expired, now: now).reason == .expired)
        let wrongIssuer = JWEFixtures.encrypt(Fixtures.claims(iss: "https://evil.example/"), .a128KW, .a128GCM, nested: false)
        #expect(validator.validate(token: wrongIssuer, now: now).reason == .issuerNotAllowed)
        let notJSON = JWEFixtures.encrypt("not json", .a128KW, .a128GCM, nested: false)
        #expect(validator.validate(token: notJSON, now: now).reason == .tokenMalformed)
    }

    @Test func theInnerTokenGoesThroughTheJWSChecks() {
        let validator = JWEFixtures.validator(JWEFixtures.rules(.nested))
        let badSignature = Fixtures.token(key: Fixtures.rsaOther)
        #expect(validator.validate(token: JWEFixtures.nested(inner: badSignature), now: now).reason == .signatureInvalid)
        let expired = Fixtures.token(payload: Fixtures.claims(exp: "\(now - 5)"))
        #expect(validator.validate(token: JWEFixtures.nested(inner: expired), now: now).reason == .expired)
        let otherAudience = Fixtures.token(payload: Fixtures.claims(aud: "\"https://other.example\""))
        #expect(validator.validate(token: JWEFixtures.nested(inner: otherAudience), now: now).reason == .audienceNotAllowed)
        #expect(validator.validate(token: JWEFixtures.nested(inner: "not.a-token"), now: now).reason == .tokenMalformed)
    }

    @Test func nestingDeeperThanOneIsRefused() {
        let validator = JWEFixtures.validator(JWEFixtures.rules(.nested))
        let twice = JWEFixtures.nested(inner: JWEFixtures.nested())
        let decision = validator.validate(token: twice, now: now)
        #expect(decision.reason == .tokenMalformed)
    }

    @Test func replicatedClaimsMustMatchTheInnerClaims() {
        let validator = JWEFixtures.validator(JWEFixtures.rules(.nested))
        let same = JWEFixtures.encrypt(Fixtures.token(), .a256KW, .a256GCM, nested: true, extraHeader: [("iss", "\"\(Fixtures.issuer)\"")])
        #expect(validator.validate(token: same, now: now).isAllowed)
        let other = JWEFixtures.encrypt(Fixtures.token(), .a256KW, .a256GCM, nested: true, extraHeader: [("sub", "\"someone-else\"")])
        #expect(validator.validate(token: other, now: now).reason == .claimsInvalid)
    }

    // MARK: attacks

    @Test(arguments: [JWEKeyManagement.rsaOAEP256, .ecdhESA128KW, .a192KW, .a256GCMKW, .dir])
    func tamperedTagCiphertextKeyOrHeaderIsOneReason(alg: JWEKeyManagement) {
        for cipher in Self.ciphers {
            let validator = JWEFixtures.validator(JWEFixtures.rules(.nested, cipher: cipher))
            for enc in [JWEContentEncryption.a128GCM, .a256CBCHS512] {
                let token = JWEFixtures.encrypt(Fixtures.token(), alg, enc, nested: true)
                #expect(validator.validate(token: JWEFixtures.tamper(token, segment: 4), now: now).reason == .decryptionFailed)
                #expect(validator.validate(token: JWEFixtures.tamper(token, segment: 3, at: 5), now: now).reason == .decryptionFailed)
                #expect(validator.validate(token: JWEFixtures.tamper(token, segment: 2), now: now).reason == .decryptionFailed)
                if alg != .dir && alg != .ecdhES {
                    // The encrypted key: RSA-OAEP goes on with a random CEK and fails at the tag.
                    #expect(validator.validate(token: JWEFixtures.tamper(token, segment: 1, at: 3), now: now).reason == .decryptionFailed)
                }
            }
        }
    }

    @Test func wrongKeyIsDecryptionFailed() {
        let other = JWEFixtures.encryptionKey(try! KeyGenerator.generate(for: .rs256), kid: "enc-rsa")
        let token = try! JWEEncryption.encrypt(
            Array(Fixtures.token().utf8), alg: .rsaOAEP, enc: .a128CBCHS256, recipient: other.publicKey,
            options: .init(kid: "enc-rsa", contentType: "JWT"))
        #expect(JWEFixtures.validator(JWEFixtures.rules(.nested)).validate(token: token, now: now).reason == .decryptionFailed)
    }

    @Test func invalidCurveEphemeralKeysAreRefused() {
        for cipher in Self.ciphers {
            let validator = JWEFixtures.validator(JWEFixtures.rules(.nested, cipher: cipher))
            // A point off P-256 (y + 1), and a point of P-384 sent to a P-256 key.
            let good = JWEFixtures.p256
            var y = Base64URL.decode(good.y!)!
            y[y.count - 1] ^= 0x01
            let offCurve = JWEFixtures.encrypt(
                Fixtures.token(), .ecdhES, .a128GCM, nested: true, epk: (Base64URL.decode(good.x!)!, y))
            #expect(validator.validate(token: offCurve, now: now).reason == .decryptionFailed, "\(cipher.name)")
            let zero = JWEFixtures.encrypt(
                Fixtures.token(), .ecdhESA128KW, .a128GCM, nested: true,
                epk: ([UInt8](repeating: 0, count: 32), [UInt8](repeating: 0, count: 32)))
            #expect(validator.validate(token: zero, now: now).reason == .decryptionFailed, "\(cipher.name)")
        }
        let crossCurve = JWEFixtures.encrypt(Fixtures.token(), .ecdhES, .a128GCM, nested: true, curve: .p384)
        let p256Only = JWEFixtures.validator(JWEFixtures.rules(.nested, keys: [JWEFixtures.p256]))
        var parts = crossCurve.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        // Point the P-384 token at the P-256 key's kid: the curves differ, so it cannot decrypt.
        let header = String(decoding: Base64URL.decode(parts[0])!, as: UTF8.self).replacingOccurrences(of: "enc-p384", with: "enc-p256")
        parts[0] = Base64URL.encode(Array(header.utf8))
        #expect(p256Only.validate(token: parts.joined(separator: "."), now: now).reason == .decryptionFailed)
    }

    @Test func wrongIVAndTagLengthsAreRefused() {
        let validator = JWEFixtures.validator(JWEFixtures.rules(.nested))
        for enc in [JWEContentEncryption.a256GCM, .a128CBCHS256] {
            let token = JWEFixtures.encrypt(Fixtures.token(), .a128KW, enc, nested: true)
            let parts = token.split(separator: ".").map(String.init)
            let iv = Base64URL.decode(parts[2])!
            let tag = Base64URL.decode(parts[4])!
            #expect(validator.validate(token: JWEFixtures.replace(token, segment: 2, with: iv + [0]), now: now).reason == .decryptionFailed)
            #expect(
                validator.validate(token: JWEFixtures.replace(token, segment: 2, with: Array(iv.dropLast())), now: now).reason
                    == .decryptionFailed)
            // A truncated tag (half of it) never verifies, even where a library would accept it.
            #expect(
                validator.validate(token: JWEFixtures.replace(token, segment: 4, with: Array(tag.prefix(8))), now: now).reason
                    == .decryptionFailed)
            #expect(
                validator.validate(token: JWEFixtures.replace(token, segment: 4, with: tag + [0]), now: now).reason == .decryptionFailed)
        }
    }

    @Test func cbcPaddingFailureLooksLikeATagFailure() {
        // An authentic ciphertext (the tag is right) whose padding is wrong: the same one reason
        // as a wrong tag, so nothing distinguishes the two (the tag is compared with CRYPTO_memcmp).
        for cipher in Self.ciphers {
            let secret = Base64URL.decode(JWEFixtures.s32.k!)!
            let header = Base64URL.encode(Array("{\"alg\":\"dir\",\"enc\":\"A128CBC-HS256\",\"kid\":\"enc-s32\"}".utf8))
            let iv = [UInt8](repeating: 7, count: 16)
            // One block that is not PKCS#7 padded: encrypt 16 bytes with padding, keep the first block.
            let padded = cipher.cbcEncrypt(key: Array(secret[16...]), iv: iv, plaintext: [UInt8](repeating: 0x41, count: 16))!
            let ciphertext = Array(padded.prefix(16))
            let tag = JWEDecryption.cbcTag(
                enc: .a128CBCHS256, macKey: Array(secret[..<16]), iv: iv, aad: Array(header.utf8), ciphertext: ciphertext, cipher: cipher)!
            let token = [header, "", Base64URL.encode(iv), Base64URL.encode(ciphertext), Base64URL.encode(tag)].joined(separator: ".")
            let validator = JWEFixtures.validator(JWEFixtures.rules(.encrypted, cipher: cipher, algs: [.dir]))
            #expect(validator.validate(token: token, now: now).reason == .decryptionFailed)
            #expect(validator.validate(token: JWEFixtures.tamper(token, segment: 4), now: now).reason == .decryptionFailed)
        }
        #expect(JWEDecryption.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!JWEDecryption.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!JWEDecryption.constantTimeEqual([1, 2, 3], [1, 2]))
    }

    @Test func keyWrapResultOfTheWrongLengthIsRefused() {
        for cipher in Self.ciphers {
            let kek = Base64URL.decode(JWEFixtures.s16.k!)!
            let header = Base64URL.encode(Array("{\"alg\":\"A128KW\",\"enc\":\"A256GCM\",\"kid\":\"enc-s16\",\"cty\":\"JWT\"}".utf8))
            // A 16-byte CEK wrapped where A256GCM needs 32: never padded, never truncated.
            let cek = [UInt8](repeating: 9, count: 16)
            let wrapped = cipher.keyWrap(kek: kek, key: cek)!
            let iv = [UInt8](repeating: 1, count: 12)
            let sealed = cipher.gcmEncrypt(key: cek + cek, iv: iv, aad: Array(header.utf8), plaintext: Array(Fixtures.token().utf8))!
            let token = [
                header, Base64URL.encode(wrapped), Base64URL.encode(iv), Base64URL.encode(sealed.ciphertext), Base64URL.encode(sealed.tag),
            ]
            .joined(separator: ".")
            #expect(
                JWEFixtures.validator(JWEFixtures.rules(.nested, cipher: cipher)).validate(token: token, now: now).reason
                    == .decryptionFailed)
        }
    }

    @Test func aKeyThatCannotServeTheAlgorithmsIsNotACandidate() {
        // dir with a 32-byte key: an A128GCM token (16-byte CEK) finds no key; an A256GCM one does.
        let validator = JWEFixtures.validator(JWEFixtures.rules(.encrypted, keys: [JWEFixtures.s32], algs: [.dir]))
        let header = Base64URL.encode(Array("{\"alg\":\"dir\",\"enc\":\"A128GCM\"}".utf8))
        let token = header + "..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA"
        #expect(validator.validate(token: token, now: now).reason == .keyNotFound)
        let withKid = JWEFixtures.encrypt(Fixtures.claims(), .dir, .a256GCM, nested: false)
        #expect(validator.validate(token: withKid, now: now).isAllowed)
        let unknownKid = try! JWEEncryption.encrypt(
            Array(Fixtures.claims().utf8), alg: .dir, enc: .a256GCM, recipient: JWEFixtures.s32, options: .init(kid: "nope"))
        #expect(validator.validate(token: unknownKid, now: now).reason == .keyNotFound)
        let rsaForDir = JWEFixtures.validator(JWEFixtures.rules(.nested, keys: [JWEFixtures.rsa], algs: [.dir, .rsaOAEP]))
        #expect(
            rsaForDir.validate(token: JWEFixtures.encrypt(Fixtures.token(), .dir, .a256GCM, nested: true), now: now).reason == .keyNotFound)
    }

    @Test func refusedAlgorithmsAndZip() {
        let validator = JWEFixtures.validator(JWEFixtures.rules(.nested))
        func token(_ header: String) -> String {
            Base64URL.encode(Array(header.utf8)) + ".AAAA.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA"
        }
        #expect(validator.validate(token: token("{\"alg\":\"RSA1_5\",\"enc\":\"A128GCM\"}"), now: now).reason == .algorithmNotAllowed)
        #expect(
            validator.validate(token: token("{\"alg\":\"PBES2-HS256+A128KW\",\"enc\":\"A128GCM\",\"p2c\":100000000}"), now: now).reason
                == .algorithmNotAllowed)
        #expect(validator.validate(token: token("{\"alg\":\"A128KW\",\"enc\":\"A128CTR\"}"), now: now).reason == .algorithmNotAllowed)
        #expect(
            validator.validate(token: token("{\"alg\":\"A128KW\",\"enc\":\"A128GCM\",\"zip\":\"DEF\"}"), now: now).reason
                == .algorithmNotAllowed)
        #expect(
            validator.validate(token: token("{\"alg\":\"A128KW\",\"enc\":\"A128GCM\",\"crit\":[\"exp\"],\"exp\":1}"), now: now).reason
                == .critUnsupported)
        #expect(validator.validate(token: token("{\"enc\":\"A128GCM\"}"), now: now).reason == .tokenMalformed)
        #expect(
            validator.validate(token: token("{\"alg\":\"A128KW\",\"alg\":\"dir\",\"enc\":\"A128GCM\"}"), now: now).reason == .tokenMalformed
        )
        let listedOnly = JWEFixtures.validator(JWEFixtures.rules(.nested, algs: [.rsaOAEP256], encs: [.a256GCM]))
        #expect(listedOnly.validate(token: JWEFixtures.nested(.rsaOAEP, .a256GCM), now: now).reason == .algorithmNotAllowed)
        #expect(listedOnly.validate(token: JWEFixtures.nested(.rsaOAEP256, .a128GCM), now: now).reason == .algorithmNotAllowed)
    }

    @Test func keysInTheHeaderAreNeverUsed() {
        // A header jwk naming the attacker's own key changes nothing: the policy's key decides.
        let attacker = JWEFixtures.encryptionKey(try! KeyGenerator.generate(for: .rs256), kid: "enc-rsa")
        let token = try! JWEEncryption.encrypt(
            Array(Fixtures.token().utf8), alg: .rsaOAEP256, enc: .a256GCM, recipient: attacker.publicKey,
            options: .init(
                kid: "enc-rsa", contentType: "JWT", extraHeader: [("jwk", attacker.jsonString()), ("jku", "\"https://evil.example/\"")]))
        #expect(JWEFixtures.validator(JWEFixtures.rules(.nested)).validate(token: token, now: now).reason == .decryptionFailed)
    }

    @Test func sizeIsCappedBeforeAnyWork() {
        let rules = ValidationRules(
            issuers: [Fixtures.issuer], allowedAlgorithms: [.rs256], maxTokenBytes: 512, encryption: JWEFixtures.rules(.nested))
        let validator = Validator(rules: rules, keys: Fixtures.keys)
        #expect(validator.validate(token: JWEFixtures.nested(), now: now).reason == .tokenTooLarge)
        let huge = JWEFixtures.validator(JWEFixtures.rules(.nested))
        let bigKey = JWEFixtures.replace(JWEFixtures.nested(), segment: 1, with: [UInt8](repeating: 1, count: 2000))
        #expect(huge.validate(token: bigKey, now: now).reason == .tokenMalformed)
        #expect(huge.validate(token: "a.b.c.d.e", now: now).reason == .tokenMalformed)
        #expect(huge.validate(token: "....", now: now).reason == .tokenMalformed)
    }
}
