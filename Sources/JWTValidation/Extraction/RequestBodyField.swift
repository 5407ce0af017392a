/// One top-level member of a JSON object body, or one field of a form body, as the token
/// extractor sees it: the name and whether the value could be a token.
struct RequestBodyField: Sendable, Equatable {
    enum Value: Sendable, Equatable {
        case string(String)
        case null
        /// Any other JSON value, described for the denial detail ("a number", "an object").
        case other(String)
    }

    var name: String
    var value: Value
}
