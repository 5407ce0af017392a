import Foundation
import JWTValidation
import Policy
import Testing

/// The CLI's `--request FILE` descriptions (`HTTPRequest(json:)`), read into requests that the
/// token extractor then sees exactly as a gateway would deliver them.
@Suite("request files")
struct RequestFileTests {
    private let bearer = TokenLocation.authorizationBearer
    private let bodyToken = TokenLocation(type: .itJWT, method: .body, name: "_id_token")

    private func tokens(_ request: HTTPRequest, _ locations: [TokenLocation]) -> [String] {
        switch TokenExtractor.extract(from: request, locations: locations) {
        case .success(let found): return found.map(\.token)
        case .failure(let denial):
            Issue.record("expected success, got \(denial)")
            return []
        }
    }

    private func denial(_ reason: ReasonCode, _ request: HTTPRequest, _ locations: [TokenLocation]) {
        switch TokenExtractor.extract(from: request, locations: locations) {
        case .success(let found): Issue.record("expected \(reason.rawValue), extracted \(found.map(\.token))")
        case .failure(let denial): #expect(denial.reason == reason, "\(denial)")
        }
    }

    @Test("request description with headers as an object")
    func requestJSONObject() throws {
        let json =
            #"{"method":"POST","headers":{"Content-Type":"application/json","X-Multi":["a","b"]},"body":"{\"_id_token\":\"a.b.c\"}"}"#
        let r = try HTTPRequest(json: Data(json.utf8))
        #expect(r.method == "POST")
        #expect(r.values(forHeader: "x-multi") == ["a", "b"])
        #expect(tokens(r, [bodyToken]) == ["a.b.c"])
    }

    @Test("request description with headers as pairs, and a raw body")
    func requestJSONPairs() throws {
        let json = #"{"headers":[["Authorization","Bearer a.b.c"],{"name":"Authorization","value":"Bearer d.e.f"}],"body_base64":"AAEC"}"#
        let r = try HTTPRequest(json: Data(json.utf8))
        #expect(r.method == "GET")
        #expect(r.body == [0, 1, 2])
        denial(.tokenAmbiguous, r, [bearer])
        let objectBody = try HTTPRequest(json: Data(#"{"method":"POST","body":{"_id_token":"a.b.c"}}"#.utf8))
        #expect(String(decoding: objectBody.body, as: UTF8.self) == #"{"_id_token":"a.b.c"}"#)
    }

    @Test(
        "bad request descriptions throw",
        arguments: [
            "", "[]", "{\"header\":{}}", "{\"method\":1}", "{\"method\":\"\"}", "{\"headers\":\"x\"}",
            "{\"headers\":{\"A\":1}}", "{\"headers\":[[\"A\"]]}", "{\"headers\":{\"Bad Name\":\"x\"}}",
            "{\"headers\":{\"A\":\"x\\r\\nB: y\"}}", "{\"body\":\"a\",\"body_base64\":\"AA==\"}", "{\"body_base64\":\"***\"}",
            "{\"body\":5}",
        ])
    func badRequestJSON(json: String) {
        #expect(throws: HTTPRequestError.self) { try HTTPRequest(json: Data(json.utf8)) }
    }
}
