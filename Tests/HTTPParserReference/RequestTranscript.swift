/// What a parser made of a stream of client requests: the requests it read and how the
/// stream ended. Both `ClientRequestParser` and NIOHTTP1's decoder (llhttp) are read into
/// one, so that the differential tests and the fuzz target can compare them.
public struct RequestTranscript: Equatable, Sendable {
    /// One request as a parser saw it.
    public struct Request: Equatable, Sendable {
        public var method: String
        public var uri: String
        public var minorVersion: Int
        /// Name and value of each field, in order (values without surrounding whitespace).
        public var fields: [[String]]
        public var keepAlive: Bool
        /// The body's data (de-chunked).
        public var body: [UInt8] = []
        public var ended = false

        public init(method: String, uri: String, minorVersion: Int, fields: [[String]], keepAlive: Bool) {
            self.method = method
            self.uri = uri
            self.minorVersion = minorVersion
            self.fields = fields
            self.keepAlive = keepAlive
        }

        /// Whether llhttp reads this request as an upgrade (after which it reads nothing):
        /// an `Upgrade` field and a `Connection` option `upgrade`.
        public var isUpgrade: Bool {
            let names = fields.map { $0[0].lowercased() }
            let connection = fields.filter { $0[0].lowercased() == "connection" }.flatMap {
                $0[1].lowercased().split(separator: ",").map { $0.trimmingCharacters(in: [" ", "\t"]) }
            }
            return names.contains("upgrade") && connection.contains("upgrade")
        }
    }

    public var requests: [Request] = []
    /// Why the parser refused the stream; nil when it ended between requests or inside one.
    public var error: String?

    public init() {}

    /// The requests read to their end.
    public var complete: [Request] { Array(requests.prefix { $0.ended }) }
}
