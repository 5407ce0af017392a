import Foundation

/// The parts of an HTTP request a token can be taken from. No I/O: the harness and the CLI
/// build these from whatever they received.
public struct HTTPRequest: Sendable, Hashable {
    /// As sent; compared exactly (methods are case-sensitive, RFC 9110 section 9.1).
    public var method: String
    /// Every header field in order, repeats kept.
    public var headers: [HTTPHeader]
    /// The raw body bytes; parsed only when a body token is configured.
    public var body: [UInt8]

    /// A request as given; nothing is validated, so tests can build malformed ones.
    public init(method: String = "GET", headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.method = method
        self.headers = headers
        self.body = body
    }

    /// A `GET` with `Authorization: Bearer <token>`: the common case for benchmarks.
    public static func bearer(_ token: String) -> HTTPRequest {
        HTTPRequest(method: "GET", headers: [HTTPHeader("Authorization", "Bearer " + token)])
    }

    /// The values of every header called `name`, compared ASCII-case-insensitively as HTTP
    /// field names are (RFC 9110 section 5.1), in order.
    public func values(forHeader name: String) -> [String] {
        headers.filter { Self.namesEqual($0.name, name) }.map(\.value)
    }

    /// The first `Content-Type` value, trimmed, or nil. (The token extractor refuses a body
    /// request with several.)
    public var contentType: String? {
        values(forHeader: "Content-Type").first?.trimmingCharacters(in: .whitespaces)
    }

    static func namesEqual(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        // By index over contiguous bytes: a zip of the two UTF-8 views walked String indices.
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                for i in 0..<x.count where asciiLower(x[i]) != asciiLower(y[i]) { return false }
                return true
            }
        }
    }

    @inline(__always)
    static func asciiLower(_ c: UInt8) -> UInt8 {
        c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") ? c | 0x20 : c
    }
}
