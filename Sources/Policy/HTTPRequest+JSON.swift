import Foundation
import JWTValidation

extension HTTPRequest {
    /// Reads the CLI's `--request FILE` description:
    ///
    /// ```json
    /// {"method": "POST",
    ///  "headers": {"Authorization": "Bearer ...", "X-Repeated": ["a", "b"]},
    ///  "body": "id_token=..."}
    /// ```
    /// `headers` may also be a list of `["name", "value"]` pairs or `{"name", "value"}`
    /// objects, which keeps their order. `body` is text (UTF-8), or a JSON object/array that
    /// is sent re-encoded; `body_base64` gives raw bytes instead. `method` defaults to GET.
    /// Unknown members are refused so that a typo (`header`) is not silently a request
    /// without headers.
    public init(json: Data) throws(HTTPRequestError) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: json, options: [])
        } catch {
            throw HTTPRequestError("not JSON: \(error.localizedDescription)")
        }
        guard let root = object as? [String: Any] else {
            throw HTTPRequestError("the request description must be a JSON object")
        }
        let known: Set<String> = ["method", "headers", "body", "body_base64"]
        if let unknown = root.keys.sorted().first(where: { !known.contains($0) }) {
            throw HTTPRequestError("unknown member \"\(unknown)\"; expected method, headers, body or body_base64")
        }

        var method = "GET"
        if let value = root["method"] {
            guard let text = value as? String, !text.isEmpty, text.utf8.allSatisfy(PolicyParser.isTokenChar) else {
                throw HTTPRequestError("method must be a non-empty HTTP method name")
            }
            method = text
        }

        var headers: [HTTPHeader] = []
        if let value = root["headers"] {
            headers = try Self.parseHeaders(value)
        }

        var body: [UInt8] = []
        switch (root["body"], root["body_base64"]) {
        case (nil, nil):
            break
        case (.some, .some):
            throw HTTPRequestError("give either body or body_base64, not both")
        case (let text?, nil):
            if let string = text as? String {
                body = Array(string.utf8)
            } else if text is [String: Any] || text is [Any] {
                do {
                    body = Array(try JSONSerialization.data(withJSONObject: text, options: [.sortedKeys]))
                } catch {
                    throw HTTPRequestError("body cannot be re-encoded as JSON")
                }
            } else {
                throw HTTPRequestError("body must be a string, an object or an array")
            }
        case (nil, let encoded?):
            guard let string = encoded as? String, let data = Data(base64Encoded: string) else {
                throw HTTPRequestError("body_base64 must be a base64 string")
            }
            body = Array(data)
        }
        self.init(method: method, headers: headers, body: body)
    }

    private static func parseHeaders(_ value: Any) throws(HTTPRequestError) -> [HTTPHeader] {
        var headers: [HTTPHeader] = []
        if let map = value as? [String: Any] {
            // A JSON object has no order we can rely on; sort for reproducible runs.
            for name in map.keys.sorted() {
                if let text = map[name] as? String {
                    headers.append(try header(name, text))
                } else if let list = map[name] as? [Any] {
                    for item in list {
                        guard let text = item as? String else {
                            throw HTTPRequestError("header \(name) values must be strings")
                        }
                        headers.append(try header(name, text))
                    }
                } else {
                    throw HTTPRequestError("header \(name) must be a string or a list of strings")
                }
            }
        } else if let list = value as? [Any] {
            for (index, item) in list.enumerated() {
                if let pair = item as? [Any], pair.count == 2, let name = pair[0] as? String,
                    let text = pair[1] as? String
                {
                    headers.append(try header(name, text))
                } else if let entry = item as? [String: Any], entry.count == 2,
                    let name = entry["name"] as? String, let text = entry["value"] as? String
                {
                    headers.append(try header(name, text))
                } else {
                    throw HTTPRequestError(
                        "headers[\(index)] must be [\"name\", \"value\"] or {\"name\": ..., \"value\": ...}")
                }
            }
        } else {
            throw HTTPRequestError("headers must be an object or a list")
        }
        return headers
    }

    /// Refuses what no HTTP parser would deliver: a bad field name, or CR/LF/NUL in a value.
    private static func header(_ name: String, _ value: String) throws(HTTPRequestError) -> HTTPHeader {
        guard !name.isEmpty, name.utf8.allSatisfy(PolicyParser.isTokenChar) else {
            throw HTTPRequestError("\"\(name)\" is not an HTTP header name")
        }
        guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
            throw HTTPRequestError("header \(name) has CR, LF or NUL in its value")
        }
        return HTTPHeader(name, value)
    }
}
