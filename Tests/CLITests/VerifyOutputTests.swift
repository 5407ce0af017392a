import Foundation
import Testing

/// The `verify` output, byte for byte (docs/ARCHITECTURE.md, The `verify` output: frozen).
/// The tokens are minted by `jwtbench mint` at a fixed time with the project's test keys, and
/// validated at that time, so every line is the same on every run. `detail` is not a frozen
/// contract: when the validator's wording changes, update the expected detail here.
@Suite struct VerifyOutputTests {
    @Test func allowedBareToken() throws {
        let f = try Fixture.get()
        let r = try CLI.run(f.verify + [f.goodToken])
        #expect(r.status == 0)
        // The same tokens[] result a request's allow carries, with no location.
        let parts = f.goodToken.split(separator: ".").map(String.init)
        try #require(parts.count == 3)
        let expected =
            #"{"decision":"allow","reason":null,"http_status":200,"alg":"RS256","tokens":[{"location":null,"location_property":null,"header":"#
            + (try decodeSegment(parts[0])) + #","payload":"# + (try decodeSegment(parts[1])) + #","signature":""# + parts[2]
            + #"","verified":true}]}"#
        #expect(r.stdout == expected + "\n")
        #expect(r.stderr == "")
    }

    @Test func deniedBareToken() throws {
        let f = try Fixture.get()
        let r = try CLI.run(f.verify + [f.expiredToken])
        #expect(r.status == 0)
        #expect(
            r.stdout
                == #"{"decision":"deny","reason":"expired","http_status":401,"www_authenticate":"Bearer error=\"invalid_token\"","detail":"token expired at 1699996400, 3600 s ago (leeway 0 s)"}"#
                + "\n")
        // Each field, as a JSON reader sees it.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(object.keys.sorted() == ["decision", "detail", "http_status", "reason", "www_authenticate"])
        #expect(object["decision"] as? String == "deny")
        #expect(object["reason"] as? String == "expired")
        #expect(object["http_status"] as? Int == 401)
        #expect(object["www_authenticate"] as? String == #"Bearer error="invalid_token""#)
        #expect((object["detail"] as? String)?.isEmpty == false)
    }

    @Test func tokensFromStdinOneLineEach() throws {
        let f = try Fixture.get()
        let r = try CLI.run(f.verify + ["-"], stdin: "\(f.goodToken)\n\n  \(f.expiredToken)  \n")
        #expect(r.status == 0)
        #expect(r.stdoutLines.count == 2)
        #expect(r.stdoutLines.first?.hasPrefix(#"{"decision":"allow","reason":null,"http_status":200,"alg":"RS256","tokens":[{"#) == true)
        #expect(r.stdoutLines.last?.hasPrefix(#"{"decision":"deny","reason":"expired","#) == true)
    }

    @Test func allowedRequestWithItsTokens() throws {
        let f = try Fixture.get()
        let r = try CLI.run(f.verify + ["--request", f.allowedRequest])
        #expect(r.status == 0)
        // tokens[]: what ngrok exposes as actions.ngrok.jwt_validation.tokens[]: the decoded
        // header and payload exactly as sent, the signature as sent.
        let parts = f.allowedRequestToken.split(separator: ".").map(String.init)
        try #require(parts.count == 3)
        let header = try decodeSegment(parts[0])
        let payload = try decodeSegment(parts[1])
        #expect(header == #"{"alg":"RS256","typ":"JWT","kid":"rs256-1"}"#)
        let expected =
            #"{"decision":"allow","reason":null,"http_status":200,"tokens":[{"location":"header","location_property":"Authorization","header":"#
            + header + #","payload":"# + payload + #","signature":""# + parts[2] + #"","verified":true}]}"#
        #expect(r.stdout == expected + "\n")
        #expect(r.stderr == "")
    }

    @Test func deniedRequest() throws {
        let f = try Fixture.get()
        let r = try CLI.run(f.verify + ["--request", f.deniedRequest])
        #expect(r.status == 0)
        #expect(
            r.stdout
                == #"{"decision":"deny","reason":"token_missing","http_status":401,"www_authenticate":"Bearer","detail":"no Authorization header (header:Authorization)"}"#
                + "\n")
    }

    private func decodeSegment(_ segment: String) throws -> String {
        var base64 = segment.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return String(decoding: try #require(Data(base64Encoded: base64)), as: UTF8.self)
    }
}
