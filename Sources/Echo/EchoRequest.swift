import Foundation
import JWTValidation

/// One request as the echo upstream received it: the head as parsed and the body bytes as
/// they arrived (chunked framing removed).
public struct EchoRequest: Sendable, Hashable {
    /// One header field, in arrival order (duplicates kept).
    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String

        /// A header field.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public var method: String
    public var uri: String
    public var headers: [Header]
    public var body: [UInt8]

    /// A received request.
    public init(method: String, uri: String, headers: [Header], body: [UInt8]) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.body = body
    }

    /// The values of every field named `name` (ASCII case-insensitive), in arrival order.
    public func values(of name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// One JSON object (no line break): `method`, `uri`, `headers` as `[name, value]` pairs and
    /// `body` as text, or `body_base64` when the body is not UTF-8, so a binary body is kept
    /// exactly.
    public var jsonLine: String {
        let quote = JSONString.quote
        let headers = headers.map { "[\(quote($0.name)),\(quote($0.value))]" }.joined(separator: ",")
        let body: String
        if let text = String(validating: self.body, as: UTF8.self) {
            body = "\"body\":\(quote(text))"
        } else {
            body = "\"body_base64\":\"\(Data(self.body).base64EncodedString())\""
        }
        return "{\"method\":\(quote(method)),\"uri\":\(quote(uri)),\"headers\":[\(headers)],\(body)}"
    }
}
