/// Where in the request a token is carried (`http.tokens[].method` in ngrok's policy).
public enum TokenMethod: String, Sendable, Hashable, CaseIterable, Codable {
    /// An HTTP header field, e.g. `Authorization: Bearer <token>`.
    case header
    /// A member of a JSON object body or a field of a form-urlencoded body; only for POST,
    /// PUT and PATCH requests.
    case body
}
