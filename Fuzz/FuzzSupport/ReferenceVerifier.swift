import COpenSSL
import Foundation

@testable import JOSECrypto

/// The reference every verification is held to: OpenSSL's EVP API called directly
/// (EVP_DigestVerify; HMAC by EVP_Q_mac and a comparison), none of our verifiers,
/// tables or signature-format code. Only the key import (`EVPKey.from`, OpenSSL's own
/// EVP_PKEY_fromdata) is shared with the code under test.
public struct ReferenceVerifier: Sendable {
    let algorithm: JWSAlgorithm
    let key: EVPKey?
    let secret: [UInt8]

    public init(key: JWK, algorithm: JWSAlgorithm) throws {
        self.algorithm = algorithm
        if algorithm.family == .hmac {
            self.key = nil
            secret = Base64URL.decode(key.k ?? "") ?? []
        } else {
            self.key = try EVPKey.from(jwk: key, wantPrivate: false)
            secret = []
        }
    }

    public func verify(signature: [UInt8], message: [UInt8]) -> Bool {
        defer { ERR_clear_error() }
        let md: OpaquePointer? =
            switch algorithm.hash {
            case .sha256: EVP_sha256()
            case .sha384: EVP_sha384()
            case .sha512: EVP_sha512()
            }
        switch algorithm.family {
        case .hmac:
            var out = [UInt8](repeating: 0, count: 64)
            var length = 0
            let made = EVP_Q_mac(
                nil, "HMAC", nil, algorithm.hash.opensslName, nil, secret, secret.count, message, message.count, &out, out.count,
                &length)
            guard made != nil else { return false }
            return signature == Array(out[0..<length])
        case .ecdsa(let curve):
            let size = curve.coordinateByteCount
            guard signature.count == 2 * size, let der = Self.der(signature, size) else { return false }
            return digestVerify(md, der, message, pss: false)
        case .rsaPKCS1: return digestVerify(md, signature, message, pss: false)
        case .rsaPSS: return digestVerify(md, signature, message, pss: true)
        case .eddsa: return digestVerify(nil, signature, message, pss: false)
        }
    }

    private func digestVerify(_ md: OpaquePointer?, _ signature: [UInt8], _ message: [UInt8], pss: Bool) -> Bool {
        guard let key, let ctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(ctx) }
        var pctx: OpaquePointer?
        guard EVP_DigestVerifyInit(ctx, &pctx, md, nil, key.pointer) == 1 else { return false }
        if pss {
            guard EVP_PKEY_CTX_set_rsa_padding(pctx, jwtbench_rsa_pss_padding()) == 1,
                EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, jwtbench_rsa_pss_saltlen_digest()) == 1
            else { return false }
        }
        return EVP_DigestVerify(ctx, signature, signature.count, message, message.count) == 1
    }

    /// Raw r || s to the DER ECDSA-Sig-Value OpenSSL verifies, by OpenSSL's own encoder.
    private static func der(_ raw: [UInt8], _ size: Int) -> [UInt8]? {
        guard let sig = ECDSA_SIG_new() else { return nil }
        defer { ECDSA_SIG_free(sig) }
        let r = BN_bin2bn(raw, Int32(size), nil)
        let s = raw.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress! + size, Int32(size), nil) }
        guard ECDSA_SIG_set0(sig, r, s) == 1 else { return nil }
        var out: UnsafeMutablePointer<UInt8>?
        let n = i2d_ECDSA_SIG(sig, &out)
        guard n > 0, let out else { return nil }
        defer { CRYPTO_free(out, #file, #line) }
        return Array(UnsafeBufferPointer(start: out, count: Int(n)))
    }
}
