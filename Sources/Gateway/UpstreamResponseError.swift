/// The upstream sent something that is not an HTTP/1.1 response the gateway can forward.
struct UpstreamResponseError: Error, Hashable, CustomStringConvertible {
    let description: String
    /// Set for the refusals where this parser is stricter than NIOHTTP1's (llhttp) by design.
    let stricterThanLLHTTP: StricterRule?

    /// What llhttp lets pass and the gateway refuses.
    enum StricterRule: Hashable {
        /// A CR not followed by LF (llhttp takes "\r\r" after the status line): the gateway
        /// forwards lines as they came, so a lone CR would reach the client.
        case loneCR
        /// A status code below 100 (llhttp takes any three digits): not a status (RFC 9110
        /// section 15), and nginx refuses it too.
        case statusBelow100
        /// 101 Switching Protocols (llhttp reads it and hands on what follows as another
        /// protocol): the gateway forwards no `Upgrade`, so it is an answer to nothing it sent.
        case switchingProtocols
    }

    init(_ description: String, stricter: StricterRule? = nil) {
        self.description = description
        self.stricterThanLLHTTP = stricter
    }
}
