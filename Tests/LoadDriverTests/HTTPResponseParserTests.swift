import Testing

@testable import LoadDriver

@Suite struct HTTPResponseParserTests {
    static func parse(_ text: String, bodiless: Bool = false) -> HTTPResponseParser.Result {
        Array(text.utf8).withUnsafeBytes { HTTPResponseParser.parse($0, bodiless: bodiless) }
    }

    @Test func aContentLengthResponseEndsAfterItsBody() {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length: 5\r\n\r\n"
        #expect(Self.parse(head + "hello") == .complete(status: 200, length: head.utf8.count + 5, close: false))
        #expect(Self.parse(head + "hel") == .incomplete)
        #expect(Self.parse(String(head.dropLast(2))) == .incomplete)
        // A pipelined next response after it is not part of it.
        #expect(Self.parse(head + "helloHTTP/1.1 200 OK\r\n") == .complete(status: 200, length: head.utf8.count + 5, close: false))
    }

    @Test func chunkedBodiesEndAtTheLastChunkAndItsTrailers() {
        let head = "HTTP/1.1 401 Unauthorized\r\nTransfer-Encoding: chunked\r\n\r\n"
        let body = "5\r\nhello\r\nA;ext=1\r\n0123456789\r\n0\r\n\r\n"
        #expect(Self.parse(head + body) == .complete(status: 401, length: (head + body).utf8.count, close: false))
        let trailers = "3\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n"
        #expect(Self.parse(head + trailers) == .complete(status: 401, length: (head + trailers).utf8.count, close: false))
        for cut in 1..<body.utf8.count {
            #expect(Self.parse(head + String(body.utf8.prefix(cut))!) == .incomplete, "cut at \(cut)")
        }
        #expect(Self.parse(head + "zz\r\nhello\r\n0\r\n\r\n") == .invalid("a malformed chunked body"))
        #expect(Self.parse(head + "5\r\nhelloXX0\r\n\r\n") == .invalid("a malformed chunked body"))
    }

    @Test func bodilessAnswersAndConnectionHeaders() {
        #expect(Self.parse("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n") == .complete(status: 204, length: 47, close: false))
        #expect(
            Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", bodiless: true) == .complete(status: 200, length: 39, close: false))
        #expect(
            Self.parse("HTTP/1.1 403 Forbidden\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n")
                == .complete(status: 403, length: 64, close: true))
        #expect(Self.parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n") == .complete(status: 200, length: 38, close: true))
        #expect(
            Self.parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n")
                == .complete(status: 200, length: 62, close: false))
    }

    @Test func whatIsNotAResponseIsInvalid() {
        #expect(Self.parse("SSH-2.0-OpenSSH_9.2\r\n\r\n") == .invalid("not an HTTP/1.x status line"))
        #expect(Self.parse("HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n") == .invalid("not an HTTP/1.x status code"))
        #expect(Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n") == .invalid("a Content-Length that is not a number"))
        #expect(Self.parse("HTTP/1.1 200 OK\r\nServer: x\r\n\r\nbody") == .invalid("a response without Content-Length or chunked encoding"))
        let huge = "HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: HTTPResponseParser.maxHeaderBytes)
        #expect(Self.parse(huge) == .invalid("a response head over \(HTTPResponseParser.maxHeaderBytes) bytes"))
    }
}
