import NIOCore
import NIOEmbedded
import NIOHTTP1

@testable import Gateway

/// Reads one byte stream from an upstream with the gateway's `UpstreamResponseParser` and
/// with NIOHTTP1's `HTTPResponseDecoder` (llhttp), and says where they disagree: on the
/// responses read to their end (status, body, keep-alive), on refusing the stream, and on
/// what the gateway relays (its chunked bytes must decode to the same body).
public enum ResponseDifferential {
    /// Responses after this many are unsolicited (there were only so many requests).
    public static let requests = 16

    /// The difference between the two parsers on `input`, or nil when they agree.
    /// `firstIsHead`: the first request was HEAD; `pieceSize`: the stream arrives in reads
    /// of this many bytes.
    public static func disagreement(_ input: [UInt8], firstIsHead: Bool, pieceSize: Int) -> String? {
        let reference = reference(input, firstIsHead: firstIsHead, pieceSize: pieceSize)
        let decoded = gateway(input, firstIsHead: firstIsHead, dechunk: true, pieceSize: pieceSize)
        let relayed = gateway(input, firstIsHead: firstIsHead, dechunk: false, pieceSize: pieceSize)
        let ours = decoded.complete
        let theirs = reference.complete
        // Where the gateway stops reusing a connection llhttp would reuse: never wrong (the
        // gateway refuses what follows, a fresh connection serves the next request), so the
        // comparison with llhttp ends there (the relayed bytes are still checked below).
        var closedWhereLLHTTPReuses: Int?
        var llhttpStopped = false
        for (index, (mine, other)) in zip(ours, theirs).enumerated() {
            if mine.status != other.status { return "response \(index): status \(mine.status), llhttp \(other.status)" }
            if mine.body != other.body {
                return "response \(index): body of \(mine.body.count) bytes, llhttp \(other.body.count)"
            }
            // A response to HEAD without a length: llhttp calls it not reusable (it would read
            // to the close, were there a body); it has none (RFC 9112 section 6.3), so the
            // gateway keeps the connection.
            let headWithoutLength = index == 0 && firstIsHead
            if mine.untilClose || headWithoutLength || mine.keepAlive == other.keepAlive { continue }
            if !mine.keepAlive {
                closedWhereLLHTTPReuses = index
                break
            }
            // NIO's llhttp (9.3) misses a connection option followed by a tab, which llhttp
            // 9.4 reads (nodejs/llhttp#866) and so does the gateway: "keep-alive<HTAB>" keeps
            // an HTTP/1.0 connection. llhttp reads nothing after it, so nothing more compares.
            guard containsTokenThenTab(input, "keep-alive") else {
                return "response \(index): keep-alive \(mine.keepAlive), llhttp \(other.keepAlive)"
            }
            llhttpStopped = true
            break
        }
        if let closedWhereLLHTTPReuses {
            guard ours.count == closedWhereLLHTTPReuses + 1, decoded.responses.count == ours.count else {
                return "the gateway read on after response \(closedWhereLLHTTPReuses), which closes its connection"
            }
        }
        let comparedToTheEnd = closedWhereLLHTTPReuses == nil && !llhttpStopped
        if comparedToTheEnd, let difference = countsOrRefusalsDiffer(input, decoded: decoded, reference: reference) {
            return difference
        }
        return relayDisagreement(decoded: decoded, relayed: relayed)
    }

    /// Where the two parsers read a different number of responses or one refuses the stream
    /// and the other does not, unless the gateway's refusal is one by design.
    static func countsOrRefusalsDiffer(_ input: [UInt8], decoded: ResponseTranscript, reference: ResponseTranscript) -> String? {
        let ours = decoded.complete
        let theirs = reference.complete
        if ours.count > theirs.count {
            return "the gateway read \(ours.count) responses (\(decoded.error ?? "no error")), "
                + "llhttp only \(theirs.count) (\(reference.error ?? "no error"))"
        }
        // The refusals by design where llhttp reads on: each must really be in the input.
        let stricterByDesign =
            switch decoded.stricterRule {
            case .loneCR: containsLoneCR(input)
            case .statusBelow100: containsStatus(input) { $0 < 100 }
            case .switchingProtocols: containsStatus(input) { $0 == 101 }
            case nil: false
            }
        if !stricterByDesign && (ours.count != theirs.count || (decoded.error == nil) != (reference.error == nil)) {
            return "the gateway read \(ours.count) responses (\(decoded.error ?? "no error")), "
                + "llhttp \(theirs.count) (\(reference.error ?? "no error"))"
        }
        return nil
    }

    /// Passing chunked bodies on as they came must not change what they decode to.
    static func relayDisagreement(decoded: ResponseTranscript, relayed: ResponseTranscript) -> String? {
        let ours = decoded.complete
        if relayed.complete.count != ours.count || (relayed.error == nil) != (decoded.error == nil) {
            return "relaying read \(relayed.complete.count) responses, de-chunking \(ours.count)"
        }
        for (index, (raw, plain)) in zip(relayed.complete, ours).enumerated() {
            if raw.status != plain.status { return "response \(index): relayed status \(raw.status), de-chunked \(plain.status)" }
            let body = raw.chunked ? decodeChunked(raw.body) : raw.body
            if body != plain.body {
                return "response \(index): relayed body decodes to \(body?.count ?? -1) bytes, not \(plain.body.count)"
            }
        }
        return nil
    }

    /// The gateway's parser on `input`, fed `pieceSize` bytes at a time, then the close.
    public static func gateway(_ input: [UInt8], firstIsHead: Bool, dechunk: Bool, pieceSize: Int) -> ResponseTranscript {
        var transcript = ResponseTranscript()
        var parser = UpstreamResponseParser()
        parser.dechunk = dechunk
        parser.requestIsHead = firstIsHead
        var unread = ByteBuffer()
        var offset = 0
        while offset < input.count {
            let end = min(offset + max(pieceSize, 1), input.count)
            unread.writeBytes(input[offset..<end])
            offset = end
            do {
                while let event = try parser.next(&unread) {
                    switch event {
                    case .head(let head):
                        guard transcript.responses.count < requests else {
                            transcript.error = "unsolicited response"
                            return transcript
                        }
                        var response = ResponseTranscript.Response(status: head.status, keepAlive: head.keepAlive)
                        response.untilClose = head.framing == .untilClose
                        response.chunked = head.framing == .chunked
                        transcript.responses.append(response)
                        transcript.relayed += head.bytes.readableBytesView
                    case .body(let body):
                        transcript.responses[transcript.responses.count - 1].body += body.readableBytesView
                        transcript.relayed += body.readableBytesView
                    case .end:
                        transcript.responses[transcript.responses.count - 1].ended = true
                        parser.requestIsHead = false
                    }
                }
            } catch {
                transcript.error = error.description
                transcript.stricterRule = error.stricterThanLLHTTP
                return transcript
            }
            unread.discardReadBytes()
        }
        switch parser.inputClosed(unread: unread.readableBytes) {
        case .idle: break
        case .endedResponse: transcript.responses[transcript.responses.count - 1].ended = true
        case .cutShort: transcript.error = "cut short"
        }
        return transcript
    }

    /// NIOHTTP1's decoder on `input`, after `requests` request heads went out (the first a
    /// HEAD when `firstIsHead`), fed `pieceSize` bytes at a time, then the close.
    public static func reference(_ input: [UInt8], firstIsHead: Bool, pieceSize: Int) -> ResponseTranscript {
        let channel = EmbeddedChannel()
        let collector = Collector()
        do {
            try channel.pipeline.syncOperations.addHandlers([
                HTTPRequestEncoder(), ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)), collector,
            ])
            for index in 0..<requests {
                let method: HTTPMethod = index == 0 && firstIsHead ? .HEAD : .GET
                try channel.writeOutbound(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: method, uri: "/")))
                try channel.writeOutbound(HTTPClientRequestPart.end(nil))
            }
        } catch {
            preconditionFailure("the reference pipeline could not be set up: \(error)")
        }
        feed(input, pieceSize: pieceSize, to: channel) { collector.transcript.error != nil }
        return collector.transcript
    }

    /// Writes `input` into `channel` in reads of `pieceSize` bytes until `stop` says so, then
    /// finishes the channel: even after an error, as an unfinished EmbeddedChannel keeps its
    /// pipeline (a leak libFuzzer reports); the collectors read nothing after an error.
    static func feed(_ input: [UInt8], pieceSize: Int, to channel: EmbeddedChannel, stop: () -> Bool) {
        var offset = 0
        while offset < input.count && !stop() {
            let end = min(offset + max(pieceSize, 1), input.count)
            _ = try? channel.writeInbound(channel.allocator.buffer(bytes: input[offset..<end]))
            offset = end
        }
        _ = try? channel.finish()
    }

    /// A status line ("HTTP/1.x NNN") whose code passes `test`.
    static func containsStatus(_ input: [UInt8], _ test: (Int) -> Bool) -> Bool {
        let prefix = Array("HTTP/1.".utf8)
        return input.indices.contains { start in
            guard start + 12 <= input.count, input[start..<(start + 7)].elementsEqual(prefix), input[start + 8] == 0x20 else {
                return false
            }
            let digits = input[(start + 9)..<(start + 12)]
            guard digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
            return test(digits.reduce(0) { $0 * 10 + Int($1 - 0x30) })
        }
    }

    /// `token` (any case) followed by a horizontal tab.
    static func containsTokenThenTab(_ input: [UInt8], _ token: String) -> Bool {
        let pattern = Array(token.utf8) + [0x09]
        guard input.count >= pattern.count else { return false }
        return (0...(input.count - pattern.count)).contains { start in
            zip(input[start..<(start + pattern.count)], pattern).allSatisfy { ($0 | 0x20) == ($1 | 0x20) }
        }
    }

    static func containsLoneCR(_ input: [UInt8]) -> Bool {
        input.indices.contains { input[$0] == 0x0D && ($0 + 1 == input.count || input[$0 + 1] != 0x0A) }
    }

    /// The data of a chunked body as llhttp reads it, or nil when it does not read to its end.
    static func decodeChunked(_ body: [UInt8]) -> [UInt8]? {
        let wrapped = Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".utf8) + body
        let transcript = reference(wrapped, firstIsHead: false, pieceSize: wrapped.count)
        guard transcript.responses.count == 1, transcript.responses[0].ended, transcript.error == nil else { return nil }
        return transcript.responses[0].body
    }

    /// Collects the decoder's parts into a transcript.
    final class Collector: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart
        var transcript = ResponseTranscript()

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard transcript.error == nil else { return }
            switch unwrapInboundIn(data) {
            case .head(let head):
                transcript.responses.append(.init(status: Int(head.status.code), keepAlive: head.isKeepAlive))
            case .body(let buffer):
                transcript.responses[transcript.responses.count - 1].body += buffer.readableBytesView
            case .end:
                transcript.responses[transcript.responses.count - 1].ended = true
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            if transcript.error == nil { transcript.error = "\(error)" }
        }
    }
}
