/// A crypto library behind the JWS layer.
///
/// Callers build a `SignatureVerifier` once per key and algorithm (when a key set is loaded)
/// and call it on the hot path; nothing on the hot path goes through this protocol.
/// A second library (BoringSSL through swift-crypto) plugs in here without touching callers.
public protocol CryptoBackend: Sendable {
    /// A short stable name for reports (`openssl`, `boringssl`).
    var name: String { get }
    /// Whether this backend can verify and sign with `algorithm`.
    func supports(_ algorithm: JWSAlgorithm) -> Bool
    /// A verifier for `key` under `algorithm`; throws when the key does not fit (see `KeyFit`).
    func makeVerifier(key: JWK, algorithm: JWSAlgorithm) throws -> any SignatureVerifier
    /// A signer for the private `key` under `algorithm`.
    func makeSigner(key: JWK, algorithm: JWSAlgorithm) throws -> any SignatureSigner
}

/// A prepared public key bound to one algorithm: immutable, shared by all threads.
public protocol SignatureVerifier: AnyObject, Sendable {
    var algorithm: JWSAlgorithm { get }
    /// The backend that serves this verifier, for reports.
    var backendName: String { get }
    /// Verifies `signature` (the decoded third JWS segment) over `message` (the ASCII signing
    /// input `header.payload`). Never throws: any malformed input is simply `false`.
    func verify(signature: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> Bool
}

extension SignatureVerifier {
    /// Convenience for tests and tools; the hot path passes raw buffers.
    public func verify(signature: [UInt8], message: [UInt8]) -> Bool {
        signature.withUnsafeBytes { s in message.withUnsafeBytes { m in verify(signature: s, message: m) } }
    }
}

/// A prepared private key bound to one algorithm.
public protocol SignatureSigner: AnyObject, Sendable {
    var algorithm: JWSAlgorithm { get }
    /// The signature in JWS form (raw r||s for ECDSA).
    func sign(message: UnsafeRawBufferPointer) throws -> [UInt8]
}

extension SignatureSigner {
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        try message.withUnsafeBytes { try sign(message: $0) }
    }
}
