/// A token found in a request, with the configured location it came from.
public struct ExtractedToken: Sendable, Hashable {
    public let location: TokenLocation
    /// The token text with the prefix and surrounding whitespace removed.
    public let token: String
    /// `"header:Authorization"` or `"body:_id_token"` (ngrok's `location` and
    /// `location_property`), for reports and denial details. Made when asked for: on the
    /// request path only a denial's detail needs it, and making it for every token was a
    /// string allocation per request.
    public var locationDescription: String { location.description }

    /// A token found at `location`.
    public init(location: TokenLocation, token: String) {
        self.location = location
        self.token = token
    }
}
