/// The crypto backends by name, for command-line flags and configuration files.
public enum CryptoBackends {
    /// The names `named(_:)` accepts, in the order reports list them.
    public static let names = ["openssl", "boringssl", "auto"]

    /// `openssl` (OpenSSL 3, per-thread contexts), `boringssl` (swift-crypto), or `auto` (each
    /// algorithm on the backend that measured fastest here, see `AutoBackend`); nil otherwise.
    public static func named(_ name: String) -> (any CryptoBackend)? {
        switch name {
        case "openssl": return OpenSSLBackend()
        case "boringssl": return BoringSSLBackend()
        case "auto": return AutoBackend()
        default: return nil
        }
    }
}
