import COpenSSL

/// Message digests and the HMAC implementation, fetched from the provider once per process.
///
/// OpenSSL 3.0 resolves algorithms by name through its provider store; doing that per call
/// costs a lock and a hash lookup (ANCHORS.md), so the hot path only ever uses these pointers.
final class Digests: @unchecked Sendable {
    // Immutable after init; EVP_MD and EVP_MAC objects are reference counted and thread safe.
    let sha256: OpaquePointer
    let sha384: OpaquePointer
    let sha512: OpaquePointer
    let hmac: OpaquePointer

    static let shared = Digests()

    private init() {
        func fetch(_ name: String) -> OpaquePointer {
            guard let md = EVP_MD_fetch(nil, name, nil) else {
                fatalError("OpenSSL has no \(name) digest: \(OpenSSLErrorQueue.drain())")
            }
            return md
        }
        sha256 = fetch("SHA256")
        sha384 = fetch("SHA384")
        sha512 = fetch("SHA512")
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else {
            fatalError("OpenSSL has no HMAC: \(OpenSSLErrorQueue.drain())")
        }
        hmac = mac
    }

    func md(_ hash: HashFunction) -> OpaquePointer {
        switch hash {
        case .sha256: return sha256
        case .sha384: return sha384
        case .sha512: return sha512
        }
    }
}
