import Foundation
import FuzzSupport
import JOSECrypto
import KeySources

/// The JWKS parser and key import on arbitrary documents: no crash, no hang, bounded memory;
/// a refused document or key says why. Every key the parser keeps is imported for every
/// algorithm (OpenSSL and BoringSSL backends); a key the import accepts must then verify
/// without crashing.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJWKS(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzMain.bytes(data, size)
    let parsed: JWKSDocument.Parsed
    do {
        parsed = try JWKSDocument.parse(Data(input), remote: input.first.map { $0 & 1 == 0 } ?? true)
    } catch {
        if error.description.count < 8 { fuzzFailure("a refused JWKS's error names no problem: \(error)", input) }
        return 0
    }
    for skipped in parsed.skipped where skipped.reason.isEmpty { fuzzFailure("a skipped key without a reason", input) }
    for key in parsed.keys {
        for algorithm in JWSAlgorithm.allCases {
            for backend in JWKSFixture.backends {
                do {
                    let verifier = try backend.makeVerifier(key: key, algorithm: algorithm)
                    _ = verifier.verify(signature: JWKSFixture.signature, message: JWKSFixture.message)
                } catch {
                    if "\(error)".isEmpty { fuzzFailure("a refused key's error is empty", input) }
                }
            }
        }
    }
    return 0
}

enum JWKSFixture {
    static let backends: [any CryptoBackend] = [OpenSSLBackend(), CryptoBackends.named("boringssl")!]
    static let signature = [UInt8](repeating: 0x5A, count: 256)
    static let message = Array("eyJhbGciOiJub25lIn0.e30".utf8)
}

@main enum FuzzJWKSMain {
    static func main() { FuzzMain.run(fuzzJWKS) }
}
