/// The client sent something that is not an HTTP/1.x request the gateway reads: answered
/// 400 (431 when `tooLarge`), then the connection closes.
struct ClientRequestError: Error, Hashable, CustomStringConvertible {
    let description: String
    /// The head (or the trailers) went over the size or field-count limit: 431.
    let tooLarge: Bool

    init(_ description: String, tooLarge: Bool = false) {
        self.description = description
        self.tooLarge = tooLarge
    }
}
