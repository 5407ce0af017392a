import Crypto
import _CryptoExtras

/// Verifies RS256/384/512 (RSASSA-PKCS1-v1_5) and PS256/384/512 (RSASSA-PSS) with one immutable
/// swift-crypto (BoringSSL) public key.
///
/// swift-crypto's `.PSS` padding is MGF1 with the message hash and a salt as long as the hash
/// (`RSA_verify_pss_mgf1(..., salt_len = digest length)` in its BoringSSL glue), which is exactly
/// RFC 7518 section 3.5; any other salt length or MGF1 hash is rejected, as Wycheproof's
/// `rsa_pss_misc` cases check.
final class BoringSSLRSAVerifier: SignatureVerifier {
    let algorithm: JWSAlgorithm
    var backendName: String { "boringssl" }
    private let key: _RSA.Signing.PublicKey
    private let padding: _RSA.Signing.Padding
    /// JWS RSA signatures are exactly as long as the modulus.
    private let signatureLength: Int

    init(jwk: JWK, algorithm: JWSAlgorithm) throws {
        let (n, e) = try JWKKeyMaterial.rsaPublic(jwk)
        key = try BoringSSLKeyMaterial.importing("RSA public key") { try _RSA.Signing.PublicKey(n: n, e: e) }
        self.algorithm = algorithm
        self.padding = algorithm.family == .rsaPSS ? .PSS : .insecurePKCS1v1_5
        self.signatureLength = (key.keySizeInBits + 7) / 8
    }

    func verify(signature: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> Bool {
        // Checked here (BoringSSL checks it too) so that a wrong length costs no copy or hash.
        guard signature.count == signatureLength else { return false }
        // swift-crypto takes the signature only as `RSASignature`, which copies it into `Data`
        // (one allocation); the message is hashed in place.
        let s = _RSA.Signing.RSASignature(rawRepresentation: signature)
        switch algorithm.hash {
        case .sha256: return key.isValidSignature(s, for: SHA256.hash(data: message), padding: padding)
        case .sha384: return key.isValidSignature(s, for: SHA384.hash(data: message), padding: padding)
        case .sha512: return key.isValidSignature(s, for: SHA512.hash(data: message), padding: padding)
        }
    }
}
