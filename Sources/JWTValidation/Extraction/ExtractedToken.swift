/// A token found in a request, with the configured location it came from.
public struct ExtractedToken: Sendable, Hashable {
    public let location: TokenLocation
    /// The token text with the prefix and surrounding whitespace removed.
    public let token: String
    /// `"header:Authorization"` or `"body:_id_token"` (ngrok's `location` and
    /// `location_property`), for reports and denial details.
    public let locationDescription: String

    /// A token found at `location`; `locationDescription` is derived from it.
    public init(location: TokenLocation, token: String) {
        self.location = location
        self.token = token
        self.locationDescription = location.description
    }
}
