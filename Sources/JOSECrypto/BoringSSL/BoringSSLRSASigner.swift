import Crypto
import _CryptoExtras

/// Signs RS256/384/512 and PS256/384/512 with a swift-crypto (BoringSSL) private key.
///
/// The key is built from the JWK's `n`, `e`, `d`, `p`, `q` (`_RSA.Signing.PrivateKey(n:e:d:p:q:)`,
/// which recomputes the CRT values and has BoringSSL check the key's consistency), or from `n`,
/// `e`, `d` alone when the JWK omits the primes (RFC 7518 section 6.3.2 allows that). The JWK's
/// `dp`, `dq`, `qi` are therefore not used. PSS signatures use a salt as long as the hash.
final class BoringSSLRSASigner: SignatureSigner {
    let algorithm: JWSAlgorithm
    private let key: _RSA.Signing.PrivateKey
    private let padding: _RSA.Signing.Padding

    init(jwk: JWK, algorithm: JWSAlgorithm) throws {
        let (n, e) = try JWKKeyMaterial.rsaPublic(jwk)
        let d = try jwk.decoded("d", jwk.d)
        key = try BoringSSLKeyMaterial.importing("RSA private key") {
            if jwk.p != nil || jwk.q != nil {
                try _RSA.Signing.PrivateKey(n: n, e: e, d: d, p: try jwk.decoded("p", jwk.p), q: try jwk.decoded("q", jwk.q))
            } else {
                try _RSA.Signing.PrivateKey._createFromNumbers(n: n, e: e, d: d)
            }
        }
        self.algorithm = algorithm
        self.padding = algorithm.family == .rsaPSS ? .PSS : .insecurePKCS1v1_5
    }

    func sign(message: UnsafeRawBufferPointer) throws -> [UInt8] {
        do {
            let signature: _RSA.Signing.RSASignature
            switch algorithm.hash {
            case .sha256: signature = try key.signature(for: SHA256.hash(data: message), padding: padding)
            case .sha384: signature = try key.signature(for: SHA384.hash(data: message), padding: padding)
            case .sha512: signature = try key.signature(for: SHA512.hash(data: message), padding: padding)
            }
            return Array(signature.rawRepresentation)
        } catch {
            throw JOSECryptoError.boringssl(operation: "\(algorithm.rawValue) signing", reason: "\(error)")
        }
    }
}
