import HTTPParserReference
import NIOCore
import NIOHTTP1
import Testing
import TokenMint

@testable import Gateway

/// The upstream-response parser the gateway relays with: framing, keep-alive and refusals,
/// the head the client receives, and agreement with NIOHTTP1's decoder (llhttp) on the seed
/// streams and on thousands of mutations of them, read whole and in small pieces.
@Suite struct UpstreamResponseParserTests {
    /// Reads a whole stream: the heads, each response's body as handed on, and the error.
    static func read(
        _ text: String, requestIsHead: Bool = false, dechunk: Bool = false
    ) -> (heads: [UpstreamResponseHead], bodies: [String], error: UpstreamResponseError?) {
        var parser = UpstreamResponseParser()
        parser.requestIsHead = requestIsHead
        parser.dechunk = dechunk
        var buffer = ByteBuffer(string: text)
        var heads: [UpstreamResponseHead] = []
        var bodies: [String] = []
        do {
            while let event = try parser.next(&buffer) {
                switch event {
                case .head(let head):
                    heads.append(head)
                    bodies.append("")
                case .body(let body): bodies[bodies.count - 1] += String(buffer: body)
                case .end: parser.requestIsHead = false
                }
            }
        } catch {
            return (heads, bodies, error)
        }
        return (heads, bodies, nil)
    }

    @Test func aFixedLengthResponseIsReadToItsLength() {
        let (heads, bodies, error) = Self.read(
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        #expect(error == nil)
        #expect(heads.map(\.status) == [200, 404])
        #expect(heads.map(\.framing) == [.length(5), .length(0)])
        #expect(bodies == ["hello", ""])
        #expect(heads.allSatisfy { $0.keepAlive })
    }

    @Test func aChunkedBodyPassesWithItsFramingOrAsDataOnly() {
        let stream = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n!\r\n0\r\nX-Sum: 9\r\n\r\n"
        let relayed = Self.read(stream)
        #expect(relayed.error == nil)
        #expect(relayed.heads.first?.framing == .chunked)
        #expect(relayed.bodies == ["5;ext=1\r\nhello\r\n1\r\n!\r\n0\r\nX-Sum: 9\r\n\r\n"])
        let plain = Self.read(stream, dechunk: true)
        #expect(plain.error == nil)
        #expect(plain.bodies == ["hello!"])
    }

    @Test func noBodyFollowsHeadRequests204And304WhateverTheHeadSays() {
        let head = Self.read(
            "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", requestIsHead: true)
        #expect(head.error == nil)
        #expect(head.heads.map(\.framing) == [.none, .length(1)])
        #expect(head.bodies == ["", "x"])
        let empty = Self.read(
            "HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\nHTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n")
        #expect(empty.error == nil)
        #expect(empty.heads.map(\.framing) == [.none, .none])
    }

    @Test func interimResponsesAreDroppedAndSwitchingProtocolsIsRefused() {
        let interim = Self.read(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
        #expect(interim.error == nil)
        #expect(interim.heads.map(\.status) == [201])
        #expect(Self.read("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n").error != nil)
        // An interim response that closes the connection (HTTP/1.0 has no keep-alive by default) ends it.
        let closingThenLineEnds = "HTTP/1.0 100 Continue\r\n\r\n\n\r\n"
        #expect(Self.read(closingThenLineEnds).error == nil)
        #expect(ResponseDifferential.disagreement(Array(closingThenLineEnds.utf8), firstIsHead: false, pieceSize: 3) == nil)
        for closing in ["HTTP/1.0 100 Continue\r\n\r\n", "HTTP/1.1 103 Early\r\nConnection: close\r\n\r\n"] {
            let stream = closing + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
            #expect(Self.read(stream).error != nil)
            #expect(ResponseDifferential.disagreement(Array(stream.utf8), firstIsHead: false, pieceSize: 4) == nil)
        }
    }

    /// The framing the `Transfer-Encoding` fields give, as llhttp reads them: chunked when the
    /// last non-blank field ends in the token `chunked` (then spaces only), else to the close.
    @Test(arguments: [
        ("chunked", true), ("CHUNKED", true), ("gzip, chunked", true), (",chunked", true), ("gzip ,\tchunked", true),
        ("chunked  ", true), ("chunked, chunked", true), ("chunked\r\nTransfer-Encoding: ", true),
        ("gzip\r\nTransfer-Encoding: chunked", true), ("chunked, gzip", false), ("chunked,", false),
        ("chunked\t", false), ("chunked;q=1", false), ("xchunked", false), ("gzip chunked", false),
        ("\"chunked\"", false), ("chunked\r\nTransfer-Encoding: gzip", false), ("identity", false),
    ])
    func transferCodingsFrameTheBodyAsLlhttpReadsThem(_ value: String, chunked: Bool) {
        let stream = "HTTP/1.1 200 OK\r\nTransfer-Encoding: \(value)\r\n\r\n1\r\nx\r\n0\r\n\r\n"
        let (heads, _, error) = Self.read(stream, dechunk: true)
        #expect(error == nil)
        #expect(heads.first?.framing == (chunked ? .chunked : .untilClose))
        #expect(ResponseDifferential.disagreement(Array(stream.utf8), firstIsHead: false, pieceSize: 7) == nil)
    }

    @Test func keepAliveFollowsTheVersionAndConnection() {
        let cases: [(String, Bool)] = [
            ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true),
            ("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.1 200 OK\r\nConnection: Keep-Alive, CLOSE\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", true),
            // Options end at spaces and tabs alike (NIO's llhttp 9.3 misses the tab; 9.4 reads it).
            ("HTTP/1.1 200 OK\r\nConnection: close\t\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.0 200 OK\r\nConnection: keep-alive\t\r\nContent-Length: 0\r\n\r\n", true),
            // Both options: close wins (llhttp keeps an HTTP/1.0 connection; closing is never wrong).
            ("HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.0 200 OK\r\nConnection: close\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", false),
            // Delimited by the close: never reusable.
            ("HTTP/1.1 200 OK\r\n\r\nbody", false),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nbody", false),
        ]
        for (stream, keepAlive) in cases {
            let (heads, _, error) = Self.read(stream)
            #expect(error == nil, "\(stream.debugDescription)")
            #expect(heads.first?.keepAlive == keepAlive, "\(stream.debugDescription)")
            let twice = Array((stream + stream).utf8)
            #expect(ResponseDifferential.disagreement(twice, firstIsHead: false, pieceSize: 9) == nil, "\(stream.debugDescription)")
        }
    }

    /// Each is refused (a 502 before any byte reaches the client).
    @Test(arguments: [
        "HTTP/2.0 200 OK\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 099 Low\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
        "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nBad Name: 1\r\n\r\n",
        "HTTP/1.1 200 OK\r\n : 1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: a\rInjected: 1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: a\u{0}b\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: 1\r\n folded\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
        "HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\nx",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer\r\n\r\n",
    ])
    func malformedResponsesAreRefused(_ stream: String) {
        #expect(Self.read(stream).error != nil)
        // llhttp refuses it too, or it is one of the refusals by design.
        #expect(ResponseDifferential.disagreement(Array(stream.utf8), firstIsHead: false, pieceSize: 5) == nil)
    }

    @Test func aHeadOverTheLimitIsRefusedEvenWhenItArrivesAByteAtATime() {
        var parser = UpstreamResponseParser(maxHeadBytes: 1024)
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\n")
        var refused = false
        for _ in 0..<2000 where !refused {
            buffer.writeString("a")
            do { _ = try parser.next(&buffer) } catch { refused = true }
        }
        #expect(refused)
        #expect(buffer.readableBytes <= 1024)
    }

    @Test func aCloseEndsOnlyAResponseDelimitedByIt() {
        var parser = UpstreamResponseParser()
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\n\r\npart")
        while (try? parser.next(&buffer)) ?? nil != nil {}
        #expect(parser.inputClosed(unread: 0) == .endedResponse)
        var cut = UpstreamResponseParser()
        var short = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\npart")
        while (try? cut.next(&short)) ?? nil != nil {}
        #expect(cut.inputClosed(unread: 0) == .cutShort)
        var idle = UpstreamResponseParser()
        #expect(idle.inputClosed(unread: 0) == .idle)
        #expect(idle.inputClosed(unread: 3) == .cutShort)
    }

    // MARK: the head the client receives

    static func clientHead(_ stream: String, version: HTTPVersion = .http1_1, keepAlive: Bool = true, dechunk: Bool = false) -> String {
        guard let head = read(stream).heads.first else { return "" }
        return String(buffer: head.clientHead(version: version, keepAlive: keepAlive, dechunk: dechunk, allocator: .init()))
    }

    @Test func hopByHopFieldsAndThoseConnectionNamesAreDroppedTheRestPassByteForByte() {
        let stream =
            "HTTP/1.1 200 Fine\r\nServer: up\r\nConnection: keep-alive, X-Hop\r\nKeep-Alive: timeout=5\r\nX-Hop: 1\r\n"
            + "Proxy-Authenticate: Basic\r\nUpgrade: h2c\r\nContent-Length: 2\r\nX-Odd:  spaced value \r\n\r\nok"
        #expect(Self.clientHead(stream) == "HTTP/1.1 200 Fine\r\nServer: up\r\nContent-Length: 2\r\nX-Odd:  spaced value \r\n\r\n")
        #expect(
            Self.clientHead(stream, keepAlive: false)
                == "HTTP/1.1 200 Fine\r\nServer: up\r\nContent-Length: 2\r\nX-Odd:  spaced value \r\nConnection: close\r\n\r\n")
    }

    @Test func theClientsVersionAndFramingAreWhatItCanRead() {
        let chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n0\r\n\r\n"
        #expect(Self.clientHead(chunked) == "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        #expect(
            Self.clientHead(chunked, version: .http1_0, keepAlive: false, dechunk: true) == "HTTP/1.0 200 OK\r\nConnection: close\r\n\r\n")
        let plain = "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"
        #expect(Self.clientHead(plain) == "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        #expect(Self.clientHead(plain, version: .http1_0) == "HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n")
        #expect(Self.clientHead("HTTP/1.1 204\r\n\r\n") == "HTTP/1.1 204\r\n\r\n")
    }

    // MARK: agreement with llhttp

    static let seeds: [String] = [
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
        "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nhi",
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the close",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nx",
        "HTTP/1.1 200 OK\r\nConnection: close, X-Drop\r\nX-Drop: 1\r\nContent-Length: 1\r\n\r\nz",
        "HTTP/1.1 200\r\nTransfer-Encoding: gzip, chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n2\r\nbc\r\n0\r\n\r\nHTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n",
    ]

    @Test func theSeedStreamsReadAsLlhttpReadsThemWholeAndInPieces() {
        for seed in Self.seeds {
            for firstIsHead in [false, true] {
                for pieceSize in [1, 2, 3, 7, 64, 4096] {
                    let difference = ResponseDifferential.disagreement(Array(seed.utf8), firstIsHead: firstIsHead, pieceSize: pieceSize)
                    #expect(difference == nil, "\(seed.debugDescription), HEAD \(firstIsHead), pieces of \(pieceSize)")
                }
            }
        }
    }

    /// Byte flips, insertions of the bytes framing turns on, deletions and splices of the
    /// seeds, from a fixed-seed generator (the fuzz target explores further).
    @Test func mutationsOfTheSeedsReadAsLlhttpReadsThem() {
        var random = MintRandom(seed: 0x5EED_1234)
        let mutator = SeedMutator(seeds: Self.seeds, interesting: "\r\n:;, 0aF-\t")
        var checked = 0
        for round in 0..<3000 {
            let stream = mutator.mutation(round) { random.next() }
            let firstIsHead = random.next() % 4 == 0
            let pieceSize = [1, 5, 4096][Int(random.next() % 3)]
            let difference = ResponseDifferential.disagreement(stream, firstIsHead: firstIsHead, pieceSize: pieceSize)
            #expect(
                difference == nil,
                "\(String(decoding: stream, as: UTF8.self).debugDescription) (HEAD \(firstIsHead), pieces of \(pieceSize))")
            checked += 1
        }
        #expect(checked == 3000)
    }
}
