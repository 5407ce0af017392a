import Echo
import Foundation
import Testing

/// The echo upstream records what arrives byte for byte (duplicate headers in order, fixed-length
/// and chunked bodies, binary bodies, pipelined requests on one keep-alive connection) and
/// answers each with 200 and a small JSON body.
@Suite struct EchoServerTests {
    static func start(record: String? = nil) async throws -> EchoServer {
        try await RawClient.onThread { try EchoServer(configuration: EchoServer.Configuration(recordPath: record)) }
    }

    @Test func recordsEveryRequestByteExactOnOneKeepAliveConnection() async throws {
        let record = FileManager.default.temporaryDirectory.appendingPathComponent("echo-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: record) }
        let echo = try await Self.start(record: record)
        defer { echo.stop() }
        let binary: [UInt8] = [0, 255, 13, 10, 0x80, 0x41]
        let json = Array("{\"access_token\":\"t\"}".utf8)
        let requests: [[UInt8]] = [
            Array("GET /a?x=1 HTTP/1.1\r\nHost: echo.test\r\nAuthorization: Bearer one\r\nauthorization: Bearer two\r\n\r\n".utf8),
            Array("POST /json HTTP/1.1\r\nHost: echo.test\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n".utf8) + json,
            Array("PUT /bin HTTP/1.1\r\nHost: echo.test\r\nContent-Length: 6\r\n\r\n".utf8) + binary,
            Array(
                "PATCH /chunked HTTP/1.1\r\nHost: echo.test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n".utf8),
        ]
        let port = echo.port
        // All four pipelined in one write, then read in order: keep-alive and pipelining at once.
        let responses = try await RawClient.onThread { () -> [RawClient.Response?] in
            let client = try RawClient(port: port)
            client.send(requests.flatMap { $0 })
            return requests.map { _ in client.response() }
        }
        for response in responses {
            let response = try #require(response)
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            #expect(object["echo"] as? String == "jwtbench")
        }
        let arrived = echo.requests
        try #require(arrived.count == 4)
        #expect(arrived[0].method == "GET" && arrived[0].uri == "/a?x=1" && arrived[0].body.isEmpty)
        #expect(arrived[0].values(of: "Authorization") == ["Bearer one", "Bearer two"])
        #expect(arrived[0].headers.map(\.name) == ["Host", "Authorization", "authorization"])
        #expect(arrived[1].method == "POST" && arrived[1].body == json)
        #expect(arrived[2].body == binary)
        #expect(arrived[3].method == "PATCH" && arrived[3].body == Array("abcdefg".utf8))
        #expect(echo.requestCount == 4)

        echo.stop()  // closes the record file
        let lines = try String(contentsOfFile: record, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4)
        let binaryLine = try #require(try JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [String: Any])
        #expect(binaryLine["body_base64"] as? String == Data(binary).base64EncodedString())
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(
            first["headers"] as? [[String]] == [["Host", "echo.test"], ["Authorization", "Bearer one"], ["authorization", "Bearer two"]])
        #expect(first["body"] as? String == "")
    }

    @Test func resetForgetsWhatWasKeptAndConnectionCloseIsHonoured() async throws {
        let echo = try await Self.start()
        defer { echo.stop() }
        let port = echo.port
        let closed = try await RawClient.onThread { () -> Bool in
            let client = try RawClient(port: port)
            client.send(Array("GET /x HTTP/1.1\r\nHost: e\r\nConnection: close\r\n\r\n".utf8))
            guard client.response()?.status == 200 else { return false }
            return client.response() == nil  // the server closed the connection
        }
        #expect(closed)
        #expect(echo.requests.count == 1)
        echo.reset()
        #expect(echo.requests.isEmpty && echo.requestCount == 1)
    }

    @Test func stallAndListenParse() throws {
        let stall = try EchoStall(parsing: "200ms@3s")
        #expect(stall == EchoStall(hold: .milliseconds(200), after: .seconds(3)))
        #expect(stall.delay(at: .seconds(1)) == .zero)
        #expect(stall.delay(at: .milliseconds(3050)) == .milliseconds(150))
        #expect(stall.delay(at: .milliseconds(3200)) == .zero)
        for bad in ["200ms", "0s@3s", "x@3s", "200ms@soon"] {
            #expect(throws: EchoError.self, "\(bad)") { try EchoStall(parsing: bad) }
        }
        let listen = try EchoServer.Configuration(listen: ":8081")
        #expect(listen.host == "127.0.0.1" && listen.port == 8081)
        #expect(try EchoServer.Configuration(listen: "[::1]:0").host == "::1")
        #expect(throws: EchoError.self) { try EchoServer.Configuration(listen: "localhost") }
        #expect(throws: EchoError.self) { try EchoServer.Configuration(listen: "127.0.0.1:70000") }
    }
}
