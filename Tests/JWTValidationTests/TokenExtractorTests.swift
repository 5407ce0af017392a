import Foundation
import Testing

@testable import JWTValidation

private let bearer = TokenLocation.authorizationBearer
private let bodyToken = TokenLocation(type: .itJWT, method: .body, name: "_id_token")
private let token = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJpIn0.c2ln"

private func request(
    _ method: String = "GET", _ headers: [(String, String)] = [], body: String = ""
) -> HTTPRequest {
    HTTPRequest(method: method, headers: headers.map { HTTPHeader($0.0, $0.1) }, body: Array(body.utf8))
}

/// Extracts and expects success, returning the token texts.
private func tokens(
    _ request: HTTPRequest, _ locations: [TokenLocation], sourceLocation: SourceLocation = #_sourceLocation
) -> [String] {
    switch TokenExtractor.extract(from: request, locations: locations) {
    case .success(let found):
        #expect(found.map(\.location) == locations, sourceLocation: sourceLocation)
        return found.map(\.token)
    case .failure(let denial):
        Issue.record("expected success, got \(denial)", sourceLocation: sourceLocation)
        return []
    }
}

/// Extracts and expects a denial with `reason`, returning it for detail checks.
@discardableResult
private func denial(
    _ reason: ReasonCode, _ request: HTTPRequest, _ locations: [TokenLocation],
    sourceLocation: SourceLocation = #_sourceLocation
) -> Denial? {
    switch TokenExtractor.extract(from: request, locations: locations) {
    case .success(let found):
        Issue.record("expected \(reason.rawValue), extracted \(found.map(\.token))", sourceLocation: sourceLocation)
        return nil
    case .failure(let denial):
        #expect(denial.reason == reason, "\(denial)", sourceLocation: sourceLocation)
        #expect(!denial.detail.isEmpty, sourceLocation: sourceLocation)
        return denial
    }
}

private func jsonPost(_ body: String, contentType: String = "application/json") -> HTTPRequest {
    request("POST", [("Content-Type", contentType)], body: body)
}

private func formPost(_ body: String) -> HTTPRequest {
    request("POST", [("Content-Type", "application/x-www-form-urlencoded")], body: body)
}

@Suite("Token extraction")
struct TokenExtractorTests {
    // MARK: - Headers

    @Test("Authorization: Bearer <token>")
    func bearerHeader() {
        #expect(tokens(.bearer(token), [bearer]) == [token])
        let found = try? TokenExtractor.extract(from: .bearer(token), locations: [bearer]).get()
        #expect(found?.first?.locationDescription == "header:Authorization")
    }

    @Test(
        "header name and auth scheme match case-insensitively; surrounding spaces are trimmed",
        arguments: [
            ("authorization", "bearer \(token)"), ("AUTHORIZATION", "BEARER \(token)"),
            ("Authorization", "Bearer    \(token)   "), ("Authorization", "  Bearer \(token)"),
            ("Authorization", "Bearer \(token)\t"),
        ])
    func caseInsensitive(name: String, value: String) {
        #expect(tokens(request("GET", [(name, value)]), [bearer]) == [token])
    }

    @Test("the scheme is separated by a space, not a tab (RFC 9110 section 11.4: 1*SP)")
    func tabAfterScheme() {
        denial(.tokenMissing, request("GET", [("Authorization", "Bearer\t\(token)")]), [bearer])
    }

    @Test("no header: token_missing naming the location")
    func missingHeader() {
        let d = denial(.tokenMissing, request("GET", [("Accept", "*/*")]), [bearer])
        #expect(d?.detail.contains("header:Authorization") == true)
    }

    @Test("header without the prefix: token_missing saying so, without echoing the value")
    func wrongScheme() {
        let d = denial(.tokenMissing, request("GET", [("Authorization", "Basic dXNlcjpzZWNyZXQ=")]), [bearer])
        #expect(d?.detail.contains("prefix") == true)
        #expect(d?.detail.contains("dXNlcjpzZWNyZXQ") == false)
        denial(.tokenMissing, request("GET", [("Authorization", token)]), [bearer])
        denial(.tokenMissing, request("GET", [("Authorization", "Bearer" + token)]), [bearer])
    }

    @Test("prefix with no token after it: token_missing", arguments: ["Bearer ", "Bearer", "bearer   ", "", "  "])
    func emptyToken(value: String) {
        denial(.tokenMissing, request("GET", [("Authorization", value)]), [bearer])
    }

    @Test("the same token twice: token_ambiguous")
    func ambiguousHeader() {
        let twoHeaders = request("GET", [("Authorization", "Bearer \(token)"), ("authorization", "Bearer \(token)x")])
        #expect(denial(.tokenAmbiguous, twoHeaders, [bearer])?.detail.contains("header:Authorization") == true)
        denial(.tokenAmbiguous, request("GET", [("Authorization", "Bearer a.b.c, Bearer d.e.f")]), [bearer])
        denial(.tokenAmbiguous, request("GET", [("Authorization", "Bearer a.b.c,bearer a.b.c")]), [bearer])
        let noPrefix = TokenLocation(method: .header, name: "X-Token")
        denial(.tokenAmbiguous, request("GET", [("X-Token", "a.b.c"), ("X-Token", "d.e.f")]), [noPrefix])
        denial(.tokenAmbiguous, request("GET", [("X-Token", "a.b.c, d.e.f")]), [noPrefix])
    }

    @Test("other schemes beside one Bearer token are not ambiguous")
    func otherSchemes() {
        #expect(
            tokens(request("GET", [("Authorization", "Basic Zm9vOmJhcg=="), ("Authorization", "Bearer \(token)")]), [bearer]) == [token])
        #expect(tokens(request("GET", [("Authorization", "Basic Zm9vOmJhcg==, Bearer \(token)")]), [bearer]) == [token])
        // Multi-byte characters before the comma: members are cut at byte offsets.
        #expect(tokens(request("GET", [("Authorization", "Basic ü€😀, Bearer \(token)")]), [bearer]) == [token])
        #expect(tokens(request("GET", [("Authorization", "Bearer \(token),Basic ü€😀")]), [bearer]) == [token])
    }

    @Test("empty list members (leading, trailing, doubled commas) are skipped, not tokens")
    func emptyListMembers() {
        for value in [",Bearer \(token)", "Bearer \(token),", ", ,Bearer \(token),,", ",,, Bearer \(token)"] {
            #expect(tokens(request("GET", [("Authorization", value)]), [bearer]) == [token], "\(value)")
        }
        denial(.tokenMissing, request("GET", [("Authorization", ",")]), [bearer])
        denial(.tokenMissing, request("GET", [("Authorization", " , ,, ")]), [bearer])
        denial(.tokenAmbiguous, request("GET", [("Authorization", ",Bearer a.b.c,,Bearer d.e.f,")]), [bearer])
    }

    @Test("an empty prefix takes the whole value")
    func emptyPrefix() {
        let location = TokenLocation(type: .jwt, method: .header, name: "X-JWT-Assertion", prefix: "")
        #expect(tokens(request("GET", [("x-jwt-assertion", "  \(token) ")]), [location]) == [token])
        denial(.tokenMissing, request("GET", [("X-JWT-Assertion", "")]), [location])
    }

    @Test("a custom prefix")
    func customPrefix() {
        let location = TokenLocation(method: .header, name: "X-Auth", prefix: "JWT=")
        #expect(tokens(request("GET", [("X-Auth", "jwt=\(token)")]), [location]) == [token])
        denial(.tokenMissing, request("GET", [("X-Auth", "Bearer \(token)")]), [location])
    }

    // MARK: - Several locations

    @Test("every configured token must be present; the first missing one is reported")
    func allLocations() {
        let locations = [bearer, bodyToken]
        let both = request(
            "POST", [("Authorization", "Bearer a.b.c"), ("Content-Type", "application/json")],
            body: #"{"_id_token": "d.e.f"}"#)
        #expect(tokens(both, locations) == ["a.b.c", "d.e.f"])

        let noHeader = jsonPost(#"{"_id_token": "d.e.f"}"#)
        #expect(denial(.tokenMissing, noHeader, locations)?.detail.contains("header:Authorization") == true)

        let noBody = request("POST", [("Authorization", "Bearer a.b.c"), ("Content-Type", "application/json")], body: "{}")
        #expect(denial(.tokenMissing, noBody, locations)?.detail.contains("body:_id_token") == true)
    }

    @Test("no configured location: token_missing")
    func noLocations() {
        denial(.tokenMissing, .bearer(token), [])
    }

    // MARK: - Bodies

    @Test("JSON body member")
    func jsonBody() {
        #expect(tokens(jsonPost(#"{"a": 1, "_id_token": "\#(token)", "b": {"c": [1, 2, {"d": null}]}}"#), [bodyToken]) == [token])
        #expect(tokens(jsonPost(#"{"_id_token":"\#(token)\n"}"#), [bodyToken]) == [token])
        #expect(tokens(jsonPost(#" {"\u005fid_token" : "a.b\u002ec"} "#), [bodyToken]) == ["a.b.c"])
        for contentType in ["application/json; charset=utf-8", "Application/JSON", "application/json;charset=\"UTF-8\""] {
            #expect(tokens(jsonPost(#"{"_id_token":"a.b.c"}"#, contentType: contentType), [bodyToken]) == ["a.b.c"])
        }
    }

    @Test("form body field: + is a space, %XX decoded")
    func formBody() {
        #expect(tokens(formPost("a=1&_id_token=\(token)&b=2"), [bodyToken]) == [token])
        #expect(tokens(formPost("_id%5Ftoken=a.b%2Ec"), [bodyToken]) == ["a.b.c"])
        let prefixed = TokenLocation(method: .body, name: "auth", prefix: "Bearer ")
        #expect(tokens(formPost("auth=Bearer+a.b.c"), [prefixed]) == ["a.b.c"])
        #expect(tokens(formPost("auth=bearer%20a.b.c%0A"), [prefixed]) == ["a.b.c"])
    }

    @Test("PUT and PATCH carry body tokens too", arguments: ["POST", "PUT", "PATCH"])
    func bodyMethods(method: String) {
        let r = request(method, [("Content-Type", "application/json")], body: #"{"_id_token":"a.b.c"}"#)
        #expect(tokens(r, [bodyToken]) == ["a.b.c"])
    }

    @Test(
        "body token on GET, HEAD, DELETE or lowercase post: request_unsupported", arguments: ["GET", "HEAD", "DELETE", "OPTIONS", "post"])
    func bodyOnWrongMethod(method: String) {
        let r = request(method, [("Content-Type", "application/json")], body: #"{"_id_token":"a.b.c"}"#)
        #expect(denial(.requestUnsupported, r, [bodyToken])?.detail.contains("body:_id_token") == true)
    }

    @Test("member or field named twice: token_ambiguous")
    func ambiguousBody() {
        denial(.tokenAmbiguous, jsonPost(#"{"_id_token":"a.b.c","_id_token":"a.b.c"}"#), [bodyToken])
        denial(.tokenAmbiguous, jsonPost(#"{"_id_token":"a.b.c","\u005fid_token":"d.e.f"}"#), [bodyToken])
        denial(.tokenAmbiguous, formPost("_id_token=a.b.c&_id_token=d.e.f"), [bodyToken])
        denial(.tokenAmbiguous, formPost("_id_token=a.b.c&_id%5Ftoken=a.b.c"), [bodyToken])
    }

    @Test("a nested member of the same name is not the token")
    func nestedNotTopLevel() {
        denial(.tokenMissing, jsonPost(#"{"outer": {"_id_token": "a.b.c"}}"#), [bodyToken])
        #expect(tokens(jsonPost(#"{"outer": {"_id_token": "x"}, "_id_token": "a.b.c"}"#), [bodyToken]) == ["a.b.c"])
    }

    @Test("absent, null, empty or non-string members")
    func badMembers() {
        denial(.tokenMissing, jsonPost(#"{"id_token":"a.b.c"}"#), [bodyToken])
        denial(.tokenMissing, jsonPost(#"{"_id_token":null}"#), [bodyToken])
        denial(.tokenMissing, jsonPost(#"{"_id_token":"  "}"#), [bodyToken])
        denial(.tokenMissing, formPost("other=1"), [bodyToken])
        denial(.tokenMissing, formPost(""), [bodyToken])
        denial(.tokenMissing, formPost("_id_token="), [bodyToken])
        for value in ["42", "true", "{}", #"["a.b.c"]"#, "-1.5e3"] {
            #expect(denial(.tokenMalformed, jsonPost(#"{"_id_token":\#(value)}"#), [bodyToken])?.detail.contains("not a string") == true)
        }
    }

    @Test("unsupported or missing content type: request_unsupported")
    func contentTypes() {
        for contentType in ["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/jsonx", ""] {
            denial(.requestUnsupported, jsonPost(#"{"_id_token":"a.b.c"}"#, contentType: contentType), [bodyToken])
        }
        denial(.requestUnsupported, jsonPost(#"{"_id_token":"a.b.c"}"#, contentType: "application/json; charset=latin1"), [bodyToken])
        denial(.requestUnsupported, request("POST", [], body: #"{"_id_token":"a.b.c"}"#), [bodyToken])
        let twoTypes = request(
            "POST", [("Content-Type", "application/json"), ("content-type", "application/x-www-form-urlencoded")],
            body: #"{"_id_token":"a.b.c"}"#)
        denial(.requestUnsupported, twoTypes, [bodyToken])
    }

    @Test("a body over 1 MiB: request_unsupported")
    func bodyTooLarge() {
        let padding = String(repeating: "a", count: TokenExtractor.maxBodyBytes)
        denial(.requestUnsupported, jsonPost(#"{"_id_token":"a.b.c","p":"\#(padding)"}"#), [bodyToken])
        denial(.requestUnsupported, formPost("_id_token=a.b.c&p=" + padding), [bodyToken])
    }

    @Test(
        "unparseable JSON bodies: request_unsupported",
        arguments: [
            "", " ", "[]", "\"a.b.c\"", "42", "null", "{", "}", "{\"_id_token\"}", "{\"_id_token\":}",
            "{\"_id_token\":\"a.b.c\",}", "{\"_id_token\":\"a.b.c\"} x", "{\"_id_token\":\"a.b.c\"}{}",
            "{'_id_token':'a.b.c'}", "{_id_token:\"a.b.c\"}", "{\"_id_token\":\"a\\qb\"}", "{\"_id_token\":\"a\tb\"}",
            "{\"_id_token\":\"\\ud800\"}", "{\"_id_token\":\"\\udc00\\ud800\"}", "{\"_id_token\":\"\\u12\"}",
            "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":-}", "{\"a\":1e}", "{\"a\":tru}", "{\"a\":nul}",
            "{\"a\":[1,]}", "{\"a\":[1 2]}", "{\"a\":{\"b\" 1}}", "\u{FEFF}{\"_id_token\":\"a.b.c\"}",
            "{\"_id_token\":\"a.b.c\"", "{\"_id_token\":\"a.b.c",
        ])
    func badJSON(body: String) {
        denial(.requestUnsupported, jsonPost(body), [bodyToken])
    }

    @Test("invalid UTF-8 in JSON or form bodies: request_unsupported")
    func invalidUTF8() {
        var json = Array(#"{"_id_token":"a."#.utf8)
        json += [0xC3, 0x28]
        json += Array(#"b.c"}"#.utf8)
        denial(
            .requestUnsupported, HTTPRequest(method: "POST", headers: [HTTPHeader("Content-Type", "application/json")], body: json),
            [bodyToken])
        denial(.requestUnsupported, formPost("_id_token=a.%FF.c"), [bodyToken])
    }

    @Test(
        "bad percent-escapes in a form: request_unsupported",
        arguments: ["_id_token=a%", "_id_token=a%4", "_id_token=%zz", "%=x&_id_token=a"])
    func badForm(body: String) {
        denial(.requestUnsupported, formPost(body), [bodyToken])
    }

    @Test("deep nesting is refused, not recursed into")
    func deepNesting() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        denial(.requestUnsupported, jsonPost(#"{"_id_token":"a.b.c","x":\#(deep)}"#), [bodyToken])
        let fine = String(repeating: "[", count: 30) + String(repeating: "]", count: 30)  // under JSONScanner.maximumDepth
        #expect(tokens(jsonPost(#"{"_id_token":"a.b.c","x":\#(fine)}"#), [bodyToken]) == ["a.b.c"])
    }

    @Test("garbage bodies never crash and never yield a token by accident")
    func garbage() {
        var rng = SplitMix64(seed: 0x5EED)
        let alphabet = Array(#"{}[]":,\ u0123456789abcdef_id_token.-+eE%&=tnrl"#.utf8) + [0x00, 0x7F, 0x80, 0xC3, 0xFF, 0x0A]
        for contentType in ["application/json", "application/x-www-form-urlencoded"] {
            for _ in 0..<3000 {
                let count = Int(rng.next() % 64)
                let body = (0..<count).map { _ in
                    rng.next() % 4 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[Int(rng.next() % UInt64(alphabet.count))]
                }
                let r = HTTPRequest(method: "POST", headers: [HTTPHeader("Content-Type", contentType)], body: body)
                switch TokenExtractor.extract(from: r, locations: [bodyToken]) {
                case .success(let found):
                    #expect(found.count == 1 && !found[0].token.isEmpty)
                case .failure(let denial):
                    #expect(!denial.detail.isEmpty)
                }
            }
        }
    }

    @Test("garbage header values never crash")
    func garbageHeaders() {
        var rng = SplitMix64(seed: 42)
        let alphabet = Array("Bearer, \t.abc".unicodeScalars) + ["\u{0301}", "\u{00E9}", "\u{1F600}", "\r\n"].flatMap(\.unicodeScalars)
        for _ in 0..<3000 {
            let count = Int(rng.next() % 24)
            var value = ""
            for _ in 0..<count { value.unicodeScalars.append(alphabet[Int(rng.next() % UInt64(alphabet.count))]) }
            switch TokenExtractor.extract(from: request("GET", [("Authorization", value)]), locations: [bearer]) {
            case .success(let found): #expect(!found[0].token.isEmpty)
            case .failure(let denial): #expect(!denial.detail.isEmpty)
            }
        }
    }

    // MARK: - HTTPRequest

    @Test("header lookup is case-insensitive and keeps repeats in order")
    func headerLookup() {
        let r = request("GET", [("X-A", "1"), ("Content-Type", " application/json "), ("x-a", "2")])
        #expect(r.values(forHeader: "x-A") == ["1", "2"])
        #expect(r.values(forHeader: "X-B").isEmpty)
        #expect(r.contentType == "application/json")
        #expect(HTTPRequest.bearer("t").headers == [HTTPHeader("Authorization", "Bearer t")])
        #expect(HTTPRequest.bearer("t").method == "GET")
    }
}

/// A small deterministic generator, so the garbage and differential tests are reproducible.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
