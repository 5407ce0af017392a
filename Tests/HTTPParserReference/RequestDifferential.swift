import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1

@testable import Gateway

/// Reads one byte stream from a client with the gateway's `ClientRequestParser` and with
/// NIOHTTP1's `HTTPRequestDecoder` (llhttp), and says where they disagree. The gateway may
/// refuse what llhttp reads (it is stricter by design: no `CONNECT`, no transfer coding in
/// HTTP/1.0, no TAB in a target, checked target forms), but never the reverse: every request
/// it reads to its end, llhttp reads too, with the same method, target, version, fields,
/// body and keep-alive; and it never reads a request past one llhttp stops at.
public enum RequestDifferential {
    /// The difference between the two parsers on `input`, or nil when they agree; the
    /// stream arrives in reads of `pieceSize` bytes.
    public static func disagreement(_ input: [UInt8], pieceSize: Int) -> String? {
        let ours = gateway(input, pieceSize: pieceSize).complete
        let theirs = reference(input, pieceSize: pieceSize)
        let read = theirs.complete
        for (index, mine) in ours.enumerated() {
            guard index < read.count else {
                return "the gateway read request \(index) (\(mine.method) \(mine.uri.prefix(40))), "
                    + "llhttp read only \(read.count) (\(theirs.error ?? "no error"))"
            }
            let other = read[index]
            if mine.method != other.method || mine.uri != other.uri || mine.minorVersion != other.minorVersion {
                return "request \(index): \(mine.method) \(mine.uri.prefix(60)) HTTP/1.\(mine.minorVersion), "
                    + "llhttp \(other.method) \(other.uri.prefix(60)) HTTP/1.\(other.minorVersion)"
            }
            if mine.fields != other.fields { return "request \(index): fields \(mine.fields), llhttp \(other.fields)" }
            if mine.body != other.body { return "request \(index): body of \(mine.body.count) bytes, llhttp \(other.body.count)" }
            if mine.keepAlive != other.keepAlive {
                // Closing where llhttp would keep the connection is never wrong (nothing after
                // it is read); "close<TAB>" is missed by NIO's llhttp 9.3, read by 9.4.
                guard !mine.keepAlive else { return "request \(index): keep-alive, llhttp closes" }
                guard index == ours.count - 1 else { return "the gateway read on after request \(index), which closes" }
            }
            // llhttp reads nothing after an upgrade; the gateway drops `Upgrade` and reads on.
            if other.isUpgrade { return nil }
        }
        return nil
    }

    /// The gateway's parser on `input`, fed `pieceSize` bytes at a time.
    public static func gateway(_ input: [UInt8], pieceSize: Int) -> RequestTranscript {
        var transcript = RequestTranscript()
        var parser = ClientRequestParser(maxHeadBytes: 64 * 1024, maxFields: 1000)
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
                        var fields: [[String]] = []
                        head.forEachField { name, value in
                            fields.append([String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)])
                        }
                        transcript.requests.append(
                            .init(
                                method: head.method.rawValue, uri: head.uri, minorVersion: head.version.minor, fields: fields,
                                keepAlive: head.keepAlive))
                    case .body(let body):
                        transcript.requests[transcript.requests.count - 1].body += body.readableBytesView
                    case .end:
                        transcript.requests[transcript.requests.count - 1].ended = true
                    }
                }
            } catch {
                transcript.error = error.description
                return transcript
            }
            unread.discardReadBytes()
        }
        return transcript
    }

    /// NIOHTTP1's decoder on `input`, fed `pieceSize` bytes at a time, then the close.
    public static func reference(_ input: [UInt8], pieceSize: Int) -> RequestTranscript {
        let channel = EmbeddedChannel()
        let collector = Collector()
        do {
            try channel.pipeline.syncOperations.addHandlers([
                ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)), collector,
            ])
        } catch {
            preconditionFailure("the reference pipeline could not be set up: \(error)")
        }
        ResponseDifferential.feed(input, pieceSize: pieceSize, to: channel) { collector.transcript.error != nil }
        return collector.transcript
    }

    /// Collects the decoder's parts into a transcript.
    final class Collector: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        var transcript = RequestTranscript()

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard transcript.error == nil else { return }
            switch unwrapInboundIn(data) {
            case .head(let head):
                let fields = head.headers.map { [$0.name, $0.value.trimmingCharacters(in: [" ", "\t"])] }
                transcript.requests.append(
                    .init(
                        method: head.method.rawValue, uri: head.uri, minorVersion: head.version.minor, fields: fields,
                        keepAlive: head.isKeepAlive))
            case .body(let buffer):
                transcript.requests[transcript.requests.count - 1].body += buffer.readableBytesView
            case .end:
                transcript.requests[transcript.requests.count - 1].ended = true
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            if transcript.error == nil { transcript.error = "\(error)" }
        }
    }
}
