import JOSECrypto

/// Runs the stages of a nested JWT's validation one at a time, for `jwtbench profile --jwe` and
/// bench/'s `bench-compare --jwe` (SPI: not a stable API): the CEK's recovery, the content's
/// decryption, the inner signature, the inner token's whole validation and the whole nested
/// validation, each the validator's own step on inputs decoded once here.
@_spi(Profiling)
public struct JWEStageProbe: Sendable {
    /// The stage names, in validation order.
    public static let stages = ["decrypt_key", "decrypt_content", "inner_signature", "inner_validation", "whole_validation"]

    let nested: Validator
    let signed: Validator
    let token: String
    let inner: String
    let now: Int64
    let alg: JWEKeyManagement
    let enc: JWEContentEncryption
    let key: JWEDecryptionKey
    let parameters: JWEDecryption.KeyParameters
    let segments: [[UInt8]]
    let aad: [UInt8]
    let cek: [UInt8]
    let innerProbe: ValidationStageProbe
    let verifier: any SignatureVerifier

    /// Prepares `token` (a nested JWT `nested` allows; its inner JWS `signed` allows); nil
    /// otherwise.
    public init?(nested: Validator, signed: Validator, token: String, now: Int64) {
        guard case .allow(let verified) = nested.validate(token: token, now: now), let details = verified.encryption, details.nested,
            let innerProbe = ValidationStageProbe(validator: signed, token: details.plaintext, now: now),
            let verifier = innerProbe.verifier()
        else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        let segments = parts.map { Base64URL.decode(String($0)) ?? [] }
        guard segments.count == 5,
            let fields = segments[0].withUnsafeBytes({ try? JWEHeaderFields.parse($0) }),
            let parameters = segments[0].withUnsafeBytes({ nested.keyParameters(fields, header: $0) }),
            let kid = fields.kid.map({ span in segments[0].withUnsafeBytes { JSONText.string(span, in: $0) } }),
            let key = nested.rules.encryption.keys.first(where: {
                $0.kid == kid && $0.fits(details.keyManagement, details.contentEncryption)
            }),
            let cek = JWEDecryption.contentKey(
                alg: details.keyManagement, enc: details.contentEncryption, key: key, parameters: parameters, encryptedKey: segments[1])
        else { return nil }
        (self.nested, self.signed, self.token, self.inner, self.now) = (nested, signed, token, details.plaintext, now)
        (alg, enc, self.key, self.parameters, self.segments, self.cek) = (
            details.keyManagement, details.contentEncryption, key, parameters, segments, cek
        )
        aad = Array(parts[0].utf8)
        (self.innerProbe, self.verifier) = (innerProbe, verifier)
    }

    /// Runs stage `index` of `stages` once; the result only keeps the optimiser honest.
    @inline(never)
    public func run(stage index: Int) -> Int {
        switch index {
        case 0:
            return JWEDecryption.contentKey(alg: alg, enc: enc, key: key, parameters: parameters, encryptedKey: segments[1])?.count ?? 0
        case 1:
            return JWEDecryption.decryptContent(
                enc: enc, cek: cek, iv: segments[2], aad: aad, ciphertext: segments[3], tag: segments[4], cipher: key.cipher)?.count ?? 0
        case 2:
            return innerProbe.verify(with: verifier) ? 1 : 0
        case 3:
            return signed.validate(token: inner, now: now).isAllowed ? 1 : 0
        default:
            return nested.validate(token: token, now: now).isAllowed ? 1 : 0
        }
    }

    /// The token's and its plaintext's sizes in bytes.
    public var sizes: (token: Int, plaintext: Int) { (token.utf8.count, inner.utf8.count) }
}
