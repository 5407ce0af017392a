import COpenSSL
import Foundation
import FuzzSupport

@testable import JOSECrypto

/// Our RSA verification (`OpenSSLRSAPKCS1Verifier`, `OpenSSLRSAPSSVerifier`: RSAVP1 on
/// OpenSSL's bignum primitives and our own encoding checks) against OpenSSL's EVP verify
/// (`ReferenceVerifier`), on RS256/384/512 and PS256/384/512. The first byte picks the
/// algorithm and the mode:
///   raw:      the signature is input bytes (any length);
///   nudged:   a valid signature with input-chosen bytes flipped;
///   encoding: a valid encoded message (PKCS#1 v1.5 or PSS, from OpenSSL's signature
///             opened with the public key) with input-chosen bytes changed, then raised to d,
///             so every padding and DigestInfo check is reached with a signature that opens;
///   exponent: the modulus of the test key with a public exponent from the input.
/// Any disagreement traps.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRSA(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzMain.bytes(data, size)
    guard input.count >= 2 else { return 0 }
    let algorithm = RSAFixture.algorithms[Int(input[0]) % RSAFixture.algorithms.count]
    let mode = Int(input[0]) / RSAFixture.algorithms.count % 4
    let messageLength = Int(input[1]) % 64
    let rest = Array(input.dropFirst(2))
    let message = Array(rest.prefix(messageLength))
    let operand = Array(rest.dropFirst(messageLength))
    var key = RSAFixture.key.publicKey
    var signature: [UInt8]
    switch mode {
    case 0: signature = operand
    case 1:
        signature = RSAFixture.sign(message, algorithm)
        RSAFixture.apply(operand, to: &signature)
    case 2:
        var encoded = RSAFixture.open(RSAFixture.sign(message, algorithm))
        RSAFixture.apply(operand, to: &encoded)
        signature = RSAFixture.raiseToD(encoded)
    default:
        // The exponent: up to 9 input bytes, so too-large exponents are reached as well.
        let eBytes = Array(operand.prefix(1 + Int(operand.first ?? 0) % 9))
        key.e = Base64URL.encode(eBytes)
        signature = Array(operand.dropFirst(eBytes.count))
        if signature.count < 256 { signature = RSAFixture.sign(message, algorithm) }
    }
    let ours: any SignatureVerifier
    do {
        ours = try OpenSSLBackend().makeVerifier(key: key, algorithm: algorithm)
    } catch {
        if "\(error)".isEmpty { fuzzFailure("a refused key's error is empty", input) }
        return 0
    }
    guard let reference = try? ReferenceVerifier(key: key, algorithm: algorithm) else {
        fuzzFailure("we accept an RSA key OpenSSL cannot import", input)
    }
    let a = ours.verify(signature: signature, message: message)
    let b = reference.verify(signature: signature, message: message)
    if a != b {
        fuzzFailure("\(algorithm.rawValue) \(["raw", "nudged", "encoding", "exponent"][mode]): ours \(a), OpenSSL \(b)", input)
    }
    return 0
}

@main enum FuzzRSAMain {
    static func main() { FuzzMain.run(fuzzRSA) }
}
