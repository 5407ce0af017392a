/// One HTTP header field as received: repeated fields stay separate entries, in order, so
/// that a token sent twice can be detected (`token_ambiguous`) rather than silently merged.
public struct HTTPHeader: Sendable, Hashable {
    /// The field name as received (lookups ignore ASCII case).
    public var name: String
    /// The field value as received.
    public var value: String

    /// A header field; nothing is checked, so tests can build malformed requests.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// The labelled spelling of `init(_:_:)`.
    public init(name: String, value: String) {
        self.init(name, value)
    }
}
