import COpenSSL

/// JWE's AES ciphers, fetched from the provider once per process.
///
/// `EVP_aes_256_gcm()` and its kind are OpenSSL 3's legacy handles: each `EVP_*Init_ex` with one
/// of them fetches the provider's implementation by name again (a lock and a hash lookup).
/// Content decryption through them measured a third of `openssl speed`'s AES-256-GCM at a
/// token's size (bench/NOTES.md, encrypted tokens); explicit fetches leave only the cipher.
final class FetchedCiphers: @unchecked Sendable {
    // Immutable after init; fetched EVP_CIPHER objects are reference counted and thread safe.
    private let gcm: [OpaquePointer]
    private let cbc: [OpaquePointer]
    private let wrap: [OpaquePointer]

    static let shared = FetchedCiphers()

    private init() {
        func fetch(_ name: String) -> OpaquePointer {
            guard let cipher = EVP_CIPHER_fetch(nil, name, nil) else {
                fatalError("OpenSSL has no \(name) cipher: \(OpenSSLErrorQueue.drain())")
            }
            return cipher
        }
        gcm = ["AES-128-GCM", "AES-192-GCM", "AES-256-GCM"].map(fetch)
        cbc = ["AES-128-CBC", "AES-192-CBC", "AES-256-CBC"].map(fetch)
        wrap = ["AES-128-WRAP", "AES-192-WRAP", "AES-256-WRAP"].map(fetch)
    }

    /// The cipher of `mode` for a key of `bytes` bytes (16, 24 or 32); nil for another size.
    func aes(_ mode: Mode, bytes: Int) -> OpaquePointer? {
        let slot: Int
        switch bytes {
        case 16: slot = 0
        case 24: slot = 1
        case 32: slot = 2
        default: return nil
        }
        switch mode {
        case .gcm: return gcm[slot]
        case .cbc: return cbc[slot]
        case .wrap: return wrap[slot]
        }
    }

    enum Mode { case gcm, cbc, wrap }
}
