import Foundation
import JOSECrypto
import TokenMint

/// `wycheproof-primitives`: the Wycheproof primitive files behind the JWS algorithms (vectors
/// README section 1.3), through the raw verify of the verifier the production key snapshot
/// prepares for the group's key and the file's algorithm (`ConformanceInput.signature`).
///
/// Rules, per file: the key is the group's JWK (`keyJwk` for RSA PKCS#1, `publicKeyJwk`
/// otherwise), built from the raw fields where the group has none (ECDSA `wx`/`wy` groups,
/// `rsa_pss_misc`), or, for HMAC, each test's `key` as an `oct` JWK. A case whose parameters
/// are a JWS algorithm's expects Wycheproof's `result` (`valid` allow, `invalid` deny,
/// `acceptable` either). A case whose parameters no JWS algorithm has must be denied, whatever
/// its `result`: an HMAC tag shorter than the hash (JWS never truncates), an HMAC key shorter
/// than the hash (RFC 7518 section 3.2), a PSS group whose MGF1 hash or salt length is not its
/// hash's (RFC 7518 section 3.5). PSS over SHA-1 or SHA-224, ES256K and Ed448 are not
/// implemented: skipped with that reason. Case ids: `wycheproof-primitives/<file>/tc<tcId>`,
/// `<file>` without `_test.json`.
public enum ConformanceWycheproofPrimitivesSuite {
    enum Kind {
        case hmac(JWSAlgorithm)
        case rsaPKCS1(JWSAlgorithm)
        case rsaPSS(JWSAlgorithm)
        case rsaPSSMisc
        case ecdsa(JWSAlgorithm, ECCurve)
        case eddsa
        case unsupported(String, why: String)
    }

    static let directory = "wycheproof/testvectors_v1/"

    /// The files, in run order, and how each is read.
    static let files: [(name: String, kind: Kind)] = {
        var files: [(String, Kind)] = [
            ("hmac_sha256_test.json", .hmac(.hs256)), ("hmac_sha384_test.json", .hmac(.hs384)),
            ("hmac_sha512_test.json", .hmac(.hs512)),
        ]
        for bits in [2048, 3072, 4096] {
            for (sha, alg) in [(256, JWSAlgorithm.rs256), (384, .rs384), (512, .rs512)] {
                files.append(("rsa_signature_\(bits)_sha\(sha)_test.json", .rsaPKCS1(alg)))
            }
        }
        files += [
            ("rsa_pss_2048_sha256_mgf1_32_test.json", .rsaPSS(.ps256)), ("rsa_pss_3072_sha256_mgf1_32_test.json", .rsaPSS(.ps256)),
            ("rsa_pss_4096_sha256_mgf1_32_test.json", .rsaPSS(.ps256)), ("rsa_pss_2048_sha384_mgf1_48_test.json", .rsaPSS(.ps384)),
            ("rsa_pss_4096_sha384_mgf1_48_test.json", .rsaPSS(.ps384)), ("rsa_pss_4096_sha512_mgf1_64_test.json", .rsaPSS(.ps512)),
            ("rsa_pss_misc_test.json", .rsaPSSMisc),
            ("ecdsa_secp256r1_sha256_p1363_test.json", .ecdsa(.es256, .p256)),
            ("ecdsa_secp384r1_sha384_p1363_test.json", .ecdsa(.es384, .p384)),
            ("ecdsa_secp521r1_sha512_p1363_test.json", .ecdsa(.es512, .p521)),
            ("ecdsa_secp256k1_sha256_p1363_test.json", .unsupported("ES256K", why: "ES256K (RFC 8812, secp256k1) is not implemented")),
            ("ed25519_test.json", .eddsa),
            ("ed448_test.json", .unsupported("Ed448", why: "EdDSA over Ed448 is not implemented (EdDSA here is Ed25519 only)")),
        ]
        return files
    }()

    static let pssAlgorithms: [String: JWSAlgorithm] = ["SHA-256": .ps256, "SHA-384": .ps384, "SHA-512": .ps512]

    /// The cases of every primitive file under the vectors folder `root`.
    public static func load(from root: URL) throws(ConformanceError) -> [ConformanceCase] {
        var cases: [ConformanceCase] = []
        for (name, kind) in files {
            cases += try load(name, kind, root: root)
        }
        return cases
    }

    /// What to do with one test: expect `expectation` under `key` and `algorithm` with `note`
    /// added to the description, or skip it.
    enum Plan {
        case run(ConformanceExpectation, key: JWK, algorithm: JWSAlgorithm, note: String?)
        case skip(String)
    }

    static func load(_ name: String, _ kind: Kind, root: URL) throws(ConformanceError) -> [ConformanceCase] {
        let url = root.appendingPathComponent(directory + name)
        let file = try ConformanceWycheproof.decode(ConformanceWycheproof.PrimitiveFile.self, url)
        let stem = name.replacingOccurrences(of: "_test.json", with: "")
        func malformed(_ why: String) -> ConformanceError { .malformedVectors(path: url.path, why) }
        var cases: [ConformanceCase] = []
        for (index, group) in file.testGroups.enumerated() {
            for test in group.tests {
                guard let wycheproof = ConformanceExpectation.wycheproof(test.result) else {
                    throw malformed("tcId \(test.tcId): unknown result \"\(test.result)\"")
                }
                let plan: Plan
                switch kind {
                case .hmac(let algorithm):
                    guard let keySize = group.keySize, let tagSize = group.tagSize,
                        let key = test.key.flatMap(ConformanceWycheproof.hex)
                    else { throw malformed("HMAC group without keySize/tagSize/key") }
                    let jwk = JWK(kty: "oct", k: Base64URL.encode(key))
                    let hashBits = algorithm.hash.byteCount * 8
                    if tagSize != hashBits {
                        plan = .run(
                            .deny(nil), key: jwk, algorithm: algorithm, note: "\(tagSize)-bit tag: JWS never truncates HMAC, so deny")
                    } else if keySize < hashBits {
                        plan = .run(
                            .deny(nil), key: jwk, algorithm: algorithm,
                            note: "\(keySize)-bit key is shorter than the hash (RFC 7518 3.2), so deny")
                    } else {
                        plan = .run(wycheproof, key: jwk, algorithm: algorithm, note: nil)
                    }
                case .rsaPKCS1(let algorithm):
                    guard let jwk = group.keyJwk else { throw malformed("RSA PKCS#1 group \(index) without keyJwk") }
                    plan = .run(wycheproof, key: jwk, algorithm: algorithm, note: nil)
                case .rsaPSS(let algorithm):
                    guard let jwk = group.publicKeyJwk else { throw malformed("RSA-PSS group \(index) without publicKeyJwk") }
                    plan = .run(wycheproof, key: jwk, algorithm: algorithm, note: nil)
                case .rsaPSSMisc:
                    guard let sha = group.sha, let algorithm = pssAlgorithms[sha] else {
                        plan = .skip("PSS over \(group.sha ?? "an unnamed hash") is no JWS algorithm (PS* hash with SHA-256/384/512)")
                        break
                    }
                    guard let n = group.publicKey?.modulus.flatMap({ ConformanceWycheproof.unsigned($0) }),
                        let e = group.publicKey?.publicExponent.flatMap({ ConformanceWycheproof.unsigned($0) })
                    else { throw malformed("rsa_pss_misc group \(index) without modulus/publicExponent") }
                    let jwk = JWK(kty: "RSA", n: Base64URL.encode(n), e: Base64URL.encode(e))
                    if group.mgfSha == sha && group.sLen == algorithm.hash.byteCount {
                        plan = .run(wycheproof, key: jwk, algorithm: algorithm, note: "exactly \(algorithm.rawValue)'s parameters")
                    } else {
                        plan = .run(
                            .deny(nil), key: jwk, algorithm: algorithm,
                            note:
                                "MGF1 \(group.mgfSha ?? "?"), salt \(group.sLen.map(String.init) ?? "?"): not \(algorithm.rawValue)'s parameters, so deny"
                        )
                    }
                case .ecdsa(let algorithm, let curve):
                    if let jwk = group.publicKeyJwk {
                        plan = .run(wycheproof, key: jwk, algorithm: algorithm, note: nil)
                    } else {
                        // README 1.3: the davidben groups carry only raw coordinates.
                        guard let x = group.publicKey?.wx.flatMap({ ConformanceWycheproof.unsigned($0, size: curve.coordinateByteCount) }),
                            let y = group.publicKey?.wy.flatMap({ ConformanceWycheproof.unsigned($0, size: curve.coordinateByteCount) })
                        else { throw malformed("ECDSA group \(index) without publicKeyJwk or wx/wy") }
                        let jwk = JWK(kty: "EC", crv: curve.rawValue, x: Base64URL.encode(x), y: Base64URL.encode(y))
                        plan = .run(wycheproof, key: jwk, algorithm: algorithm, note: "JWK built from wx/wy")
                    }
                case .eddsa:
                    guard let jwk = group.publicKeyJwk else { throw malformed("EdDSA group \(index) without publicKeyJwk") }
                    plan = .run(wycheproof, key: jwk, algorithm: .edDSA, note: nil)
                case .unsupported(_, let why):
                    plan = .skip(why)
                }
                let flags = test.flags.isEmpty ? "" : " \(test.flags)"
                let localID = "\(stem)/tc\(test.tcId)"
                switch plan {
                case .run(let expectation, let key, let algorithm, let note):
                    // HMAC keys differ per test; every other file has one key per group.
                    let setupID = "wycheproof-primitives/\(stem)/" + (test.key != nil ? "tc\(test.tcId)" : "group\(index)")
                    let setup = ConformanceSetup.signatureOnly(id: setupID, keys: [key], algorithms: [algorithm])
                    guard let message = ConformanceWycheproof.hex(test.msg ?? ""),
                        let signature = ConformanceWycheproof.hex(test.sig ?? test.tag ?? "")
                    else { throw malformed("tcId \(test.tcId): msg/sig is not hex") }
                    cases.append(
                        ConformanceCase(
                            suite: .wycheproofPrimitives, localID: localID,
                            description: "\(stem) as \(algorithm.rawValue): \(test.comment)\(flags)" + (note.map { " (\($0))" } ?? ""),
                            tags: [test.result, algorithm.rawValue, stem] + test.flags,
                            expectation: expectation,
                            body: .run(.signature(message: message, signature: signature), setup, now: VectorFile.defaultNow)))
                case .skip(let why):
                    var tags = [test.result, stem] + test.flags
                    if case .unsupported(let algorithm, _) = kind { tags.insert(algorithm, at: 1) }
                    cases.append(
                        ConformanceCase(
                            suite: .wycheproofPrimitives, localID: localID, description: "\(stem): \(test.comment)\(flags)",
                            tags: tags, expectation: wycheproof, body: .skip(why)))
                }
            }
        }
        guard cases.count == file.numberOfTests else {
            throw malformed("\(cases.count) tests read, numberOfTests says \(file.numberOfTests)")
        }
        return cases
    }
}
