/// Why a key set could not be fetched or used. Never reaches the hot path: the validator only
/// ever sees `KeyLookup.unavailable` with this error's description.
public struct KeySourceError: Error, Sendable, CustomStringConvertible {
    /// The source (a URL or file path).
    public let source: String
    public let message: String

    public init(source: String, message: String) {
        self.source = source
        self.message = message
    }

    public var description: String { "\(source): \(message)" }
}
