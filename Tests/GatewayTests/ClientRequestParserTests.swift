import HTTPParserReference
import NIOCore
import Testing
import TokenMint

@testable import Gateway

/// The client-request parser the gateway reads requests with: framing, keep-alive, what it
/// refuses and why, and agreement with NIOHTTP1's decoder (llhttp) on the seed streams and on
/// thousands of mutations of them, read whole and in small pieces.
@Suite struct ClientRequestParserTests {
    static func read(_ text: String) -> RequestTranscript { RequestDifferential.gateway(Array(text.utf8), pieceSize: text.utf8.count) }

    static func agrees(_ text: String, pieceSize: Int = 5) -> Bool {
        RequestDifferential.disagreement(Array(text.utf8), pieceSize: pieceSize) == nil
    }

    @Test func pipelinedRequestsAreReadWithTheirBodiesAndFields() {
        let stream =
            "GET /a?x=1 HTTP/1.1\r\nHost: h\r\nAuthorization:  Bearer t \r\n\r\n"
            + "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
            + "PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=\"q\"\r\nhello\r\n1\r\n!\r\n0\r\nX-Trailer: 1\r\n\r\n"
        let transcript = Self.read(stream)
        #expect(transcript.error == nil)
        #expect(transcript.complete.map(\.method) == ["GET", "POST", "PUT"])
        #expect(transcript.complete.map(\.uri) == ["/a?x=1", "/b", "/c"])
        #expect(transcript.complete[0].fields == [["Host", "h"], ["Authorization", "Bearer t"]])
        #expect(transcript.complete.map { String(decoding: $0.body, as: UTF8.self) } == ["", "hello", "hello!"])
        for pieceSize in [1, 2, 3, 7, 4096] { #expect(Self.agrees(stream, pieceSize: pieceSize), "pieces of \(pieceSize)") }
    }

    @Test func theHeadKeepsItsBytesAndFramingAndTheUnsupportedCoding() throws {
        var parser = ClientRequestParser()
        var buffer = ByteBuffer(string: "POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n")
        guard case .head(let head) = try parser.next(&buffer) else {
            Issue.record("no head")
            return
        }
        #expect(head.framing == .chunked)
        #expect(head.unsupportedTransferCoding == "gzip")
        #expect(head.values("transfer-encoding") == ["gzip, chunked"])
        #expect(String(buffer: head.bytes).hasSuffix("chunked\r\n\r\n"))
        for doubled in ["chunked, chunked", "chunked\r\nTransfer-Encoding: chunked"] {
            var twice = ByteBuffer(string: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \(doubled)\r\n\r\n0\r\n\r\n")
            var fresh = ClientRequestParser()
            guard case .head(let head) = try fresh.next(&twice) else {
                Issue.record("no head for \(doubled.debugDescription)")
                continue
            }
            #expect(head.unsupportedTransferCoding == "chunked")
        }
    }

    @Test func keepAliveFollowsTheVersionAndConnection() {
        let cases: [(String, Bool)] = [
            ("GET / HTTP/1.1\r\nHost: h\r\n\r\n", true),
            ("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", false),
            ("GET / HTTP/1.1\r\nHost: h\r\nConnection: Keep-Alive, CLOSE\r\n\r\n", false),
            ("GET / HTTP/1.0\r\n\r\n", false),
            ("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true),
            ("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", false),
            ("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\t\r\n\r\n", false),
        ]
        for (stream, keepAlive) in cases {
            let transcript = Self.read(stream + stream)
            #expect(transcript.error == nil, "\(stream.debugDescription)")
            #expect(transcript.complete.first?.keepAlive == keepAlive, "\(stream.debugDescription)")
            // Nothing is read after a request that closes the connection.
            #expect(transcript.complete.count == (keepAlive ? 2 : 1), "\(stream.debugDescription)")
            #expect(Self.agrees(stream + stream), "\(stream.debugDescription)")
        }
    }

    /// Each is refused (400, or 431 over a limit) and never forwarded; llhttp refuses it too,
    /// or it is one of the gateway's stricter rules.
    @Test(arguments: [
        "GET / HTTP/1.1\nHost: h\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nHost: h\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nX: a\rInjected: 1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nX: a\u{0}b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nX: 1\r\n folded\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nBad Name: 1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nName : 1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\n: 1\r\n\r\n",
        "GET / HTTP/2.0\r\n\r\n",
        "GET / HTTP/1.2\r\n\r\n",
        "GET /  HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET  / HTTP/1.1\r\nHost: h\r\n\r\n",
        "get / HTTP/1.1\r\nHost: h\r\n\r\n",
        "FOO / HTTP/1.1\r\nHost: h\r\n\r\n",
        "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
        // FuzzClientRequest's first finding: llhttp refuses a "|" in the host.
        "GET http://examp|e.com/x HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET http://user@example.com/x HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET 1http://example.com/ HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET http:///x HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /a\tb HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET a HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1, 1\r\n\r\nx",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +1\r\n\r\nx",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\nabc",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\n\r\nabc",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \r\n\r\n",
        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1 \r\na\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\na\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nContent-Length: 3\r\n\r\n",
        "GET / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n",
        "GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n",
    ])
    func malformedRequestsAreRefused(_ stream: String) {
        let transcript = Self.read(stream)
        #expect(transcript.error != nil)
        #expect(transcript.complete.isEmpty)
        #expect(Self.agrees(stream))
    }

    @Test func aHeadOverTheLimitOrWithTooManyFieldsIsRefusedAsTooLarge() {
        var parser = ClientRequestParser(maxHeadBytes: 1024, maxFields: 100)
        var buffer = ByteBuffer(string: "GET / HTTP/1.1\r\nHost: h\r\n")
        var refusal: ClientRequestError?
        for _ in 0..<2000 where refusal == nil {
            buffer.writeString("a")
            do { _ = try parser.next(&buffer) } catch { refusal = error }
        }
        #expect(refusal?.tooLarge == true)
        #expect(buffer.readableBytes <= 1024)
        var many = ClientRequestParser(maxHeadBytes: 64 * 1024, maxFields: 100)
        var fields = ByteBuffer(string: "GET / HTTP/1.1\r\nHost: h\r\n" + String(repeating: "X: 1\r\n", count: 101) + "\r\n")
        #expect(throws: ClientRequestError("more than 100 header fields", tooLarge: true)) { try many.next(&fields) }
    }

    @Test func emptyLinesBeforeARequestAreSkippedAndBytesAfterACloseAreNotRead() throws {
        let transcript = Self.read("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGARBAGE")
        #expect(transcript.error == nil)
        #expect(transcript.complete.count == 1)
    }

    @Test func absoluteAndAsteriskFormsAreRead() {
        for stream in [
            "GET http://example.com/x HTTP/1.1\r\nHost: h\r\n\r\n", "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
            "QUERY /q HTTP/1.1\r\nHost: h\r\n\r\n",
        ] {
            #expect(Self.read(stream).complete.count == 1, "\(stream.debugDescription)")
            #expect(Self.agrees(stream), "\(stream.debugDescription)")
        }
    }

    /// The sixteen-bytes-at-a-time test the value scan skips with, against the byte-at-a-time
    /// rule: every byte value at every position of an otherwise valid block, then random blocks.
    @Test func theBlockTestFindsEveryControlByteAndDeleteAndNothingElse() {
        func bytewise(_ block: SIMD16<UInt8>) -> Bool {
            (0..<16).contains { block[$0] < 0x20 || block[$0] == 0x7F }
        }
        for position in 0..<16 {
            for value in 0...255 {
                for filler in [UInt8(0x41), 0x80, 0xFF, 0x20] {
                    var block = SIMD16<UInt8>(repeating: filler)
                    block[position] = UInt8(value)
                    #expect(HTTPSyntax.hasControlOrDelete(block) == bytewise(block), "byte \(value) at \(position) among \(filler)")
                }
            }
        }
        var random = MintRandom(seed: 0x0D0A)
        for _ in 0..<100_000 {
            let (low, high) = (random.next(), random.next())
            let block = SIMD16<UInt8>((0..<16).map { UInt8(truncatingIfNeeded: ($0 < 8 ? low : high) >> (8 * ($0 % 8))) })
            if HTTPSyntax.hasControlOrDelete(block) != bytewise(block) { Issue.record("block \(block)") }
        }
    }

    // MARK: agreement with llhttp

    static let seeds: [String] = [
        "GET /a HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer abc.def.ghi\r\n\r\n",
        "POST /b?q HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Type: application/json\r\n\r\nhello",
        "PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\n\r\n",
        "DELETE /d HTTP/1.1\r\nHost: h\r\nConnection: close\r\nX-Drop: 1\r\n\r\n",
        "GET /e HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 10.0.0.1\r\nCookie: a=b; c=d\r\n\r\nHEAD /f HTTP/1.1\r\nHost: h\r\n\r\n",
        "POST /g HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n2\r\nbc\r\n0\r\n\r\nGET /h HTTP/1.1\r\nHost: h\r\n\r\n",
        "PATCH /i HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabcOPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /j HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nGET /k HTTP/1.1\r\nHost: h\r\n\r\n",
    ]

    @Test func theSeedStreamsReadAsLlhttpReadsThemWholeAndInPieces() {
        for seed in Self.seeds {
            #expect(Self.read(seed).error == nil, "\(seed.debugDescription)")
            for pieceSize in [1, 2, 3, 7, 64, 4096] {
                let difference = RequestDifferential.disagreement(Array(seed.utf8), pieceSize: pieceSize)
                #expect(difference == nil, "\(seed.debugDescription), pieces of \(pieceSize): \(difference ?? "")")
            }
        }
    }

    /// Byte flips, insertions of the bytes framing turns on, deletions and splices of the
    /// seeds, from a fixed-seed generator (the fuzz target explores further).
    @Test func mutationsOfTheSeedsReadAsLlhttpReadsThem() {
        var random = MintRandom(seed: 0x5EED_4321)
        let mutator = SeedMutator(seeds: Self.seeds, interesting: "\r\n:;, 0aF-\t /")
        var checked = 0
        for round in 0..<3000 {
            let stream = mutator.mutation(round) { random.next() }
            let pieceSize = [1, 5, 4096][Int(random.next() % 3)]
            let difference = RequestDifferential.disagreement(stream, pieceSize: pieceSize)
            #expect(
                difference == nil,
                "\(String(decoding: stream, as: UTF8.self).debugDescription) (pieces of \(pieceSize)): \(difference ?? "")")
            checked += 1
        }
        #expect(checked == 3000)
    }
}
