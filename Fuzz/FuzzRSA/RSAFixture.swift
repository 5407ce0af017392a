import COpenSSL
import FuzzSupport
import TokenMint

@testable import JOSECrypto

/// The RSA test key (vectors/keys/rs256-1, 2048 bits) and the private-key operations the RSA
/// target builds signatures with, all by OpenSSL.
enum RSAFixture {
    static let algorithms: [JWSAlgorithm] = [.rs256, .rs384, .rs512, .ps256, .ps384, .ps512]
    static let key: JWK = {
        var key = try! TestKeySet.loadDefault().keys["rs256-1"]!
        key.alg = nil
        return key
    }()
    static let privateKey = try! EVPKey.from(jwk: key, wantPrivate: true)
    static let signers: [JWSAlgorithm: any SignatureSigner] = Dictionary(
        uniqueKeysWithValues: algorithms.map { ($0, try! OpenSSLBackend().makeSigner(key: key, algorithm: $0)) })

    static func sign(_ message: [UInt8], _ algorithm: JWSAlgorithm) -> [UInt8] {
        message.withUnsafeBytes { try! signers[algorithm]!.sign(message: $0) }
    }

    /// Pairs of input bytes (position, value) written into `bytes` (at most 8 changes).
    static func apply(_ operand: [UInt8], to bytes: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        var i = 0
        while i + 2 < operand.count && i < 24 {
            let at = (Int(operand[i]) << 8 | Int(operand[i + 1])) % bytes.count
            bytes[at] = operand[i + 2]
            i += 3
        }
    }

    /// s^e mod n, unpadded: the encoded message inside a signature.
    static func open(_ signature: [UInt8]) -> [UInt8] { raw(signature, sign: false) }

    /// m^d mod n, unpadded (the input reduced below n by clearing its top byte when needed).
    static func raiseToD(_ encoded: [UInt8]) -> [UInt8] { raw(encoded, sign: true) }

    /// RSA_NO_PADDING (a macro Swift cannot import).
    private static let rsaNoPadding: Int32 = 3

    private static func raw(_ bytes: [UInt8], sign: Bool) -> [UInt8] {
        var input = bytes
        if sign && input.first ?? 0 >= 0xDC { input[0] = 0 }  // below n (0xDC... for this key)
        let ctx = EVP_PKEY_CTX_new(privateKey.pointer, nil)
        defer { EVP_PKEY_CTX_free(ctx) }
        let initialised = sign ? EVP_PKEY_sign_init(ctx) : EVP_PKEY_verify_recover_init(ctx)
        guard initialised == 1, EVP_PKEY_CTX_set_rsa_padding(ctx, rsaNoPadding) == 1 else { return input }
        var out = [UInt8](repeating: 0, count: 512)
        var length = out.count
        let ok =
            sign ? EVP_PKEY_sign(ctx, &out, &length, input, input.count) : EVP_PKEY_verify_recover(ctx, &out, &length, input, input.count)
        ERR_clear_error()
        return ok == 1 ? Array(out[0..<length]) : input
    }
}
