@testable import Gateway

/// What a parser made of a stream of upstream responses: the responses it read and how the
/// stream ended. Both `UpstreamResponseParser` and NIOHTTP1's decoder (llhttp) are read into
/// one, so that the differential tests and the fuzz target can compare them.
public struct ResponseTranscript: Equatable, Sendable {
    /// One response as a parser saw it.
    public struct Response: Equatable, Sendable {
        public var status: Int
        public var keepAlive: Bool
        /// The body delimited by the connection's close (the gateway's parser only).
        public var untilClose = false
        /// A chunked body (the gateway's parser only).
        public var chunked = false
        /// The body's bytes (as handed on: with chunk framing when passing on).
        public var body: [UInt8] = []
        public var ended = false

        public init(status: Int, keepAlive: Bool) {
            self.status = status
            self.keepAlive = keepAlive
        }
    }

    public var responses: [Response] = []
    /// Why the parser refused the stream (or found it cut short at its close); nil when it
    /// ended between responses or inside one delimited by the close.
    public var error: String?
    /// The gateway's refusal was one where it is stricter than llhttp by design: its rule.
    var stricterRule: UpstreamResponseError.StricterRule?
    /// The bytes the gateway would send on (heads as received, then body bytes).
    public var relayed: [UInt8] = []

    public init() {}

    /// The responses read to their end.
    public var complete: [Response] { Array(responses.prefix { $0.ended }) }
}
