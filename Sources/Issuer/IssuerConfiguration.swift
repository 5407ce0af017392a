/// How the embedded identity provider behaves.
public struct IssuerConfiguration: Sendable {
    /// The `iss` value and base URL; set when the server binds (ephemeral ports).
    public var host: String
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = 0) {
        self.host = host
        self.port = port
    }
}
