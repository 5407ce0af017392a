import NIOCore
import NIOHTTP1

/// A request head as the client sent it, checked by `ClientRequestParser` and not decoded:
/// the bytes and where the target and each field are in them. The gateway reads the few
/// fields it needs (the token's, `Connection`, `Host`) and writes the upstream's head from
/// these bytes, so no `String` is made per field.
struct ClientRequestHead {
    /// How the body that follows is delimited (RFC 9112 section 6.3).
    enum Framing: Equatable {
        case none
        case length(Int)
        case chunked
    }

    /// One field line: offsets of its name and of its value (without surrounding OWS).
    struct Field {
        let nameStart: Int32
        let nameEnd: Int32
        let valueStart: Int32
        let valueEnd: Int32

        /// The name's bytes in `head` (the head's readable bytes).
        func name(in head: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: head[Int(nameStart)..<Int(nameEnd)])
        }

        /// The value's bytes in `head`, without surrounding OWS.
        func value(in head: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: head[Int(valueStart)..<Int(valueEnd)])
        }
    }

    /// The request line through the empty line, each line ending in CRLF.
    let bytes: ByteBuffer
    let method: HTTPMethod
    let version: HTTPVersion
    /// Offsets of the request target in `bytes`.
    let targetStart: Int
    let targetEnd: Int
    let fields: [Field]
    let framing: Framing
    /// Whether the client lets the connection be kept after the response.
    let keepAlive: Bool
    /// The first transfer coding other than one `chunked` (`gzip, chunked`), which the
    /// gateway cannot pass on: answered 501.
    let unsupportedTransferCoding: String?

    /// The request target as text (for the access log and tests).
    var uri: String { String(decoding: bytes.readableBytesView[targetRange], as: UTF8.self) }

    private var targetRange: Range<Int> {
        (bytes.readerIndex + targetStart)..<(bytes.readerIndex + targetEnd)
    }

    /// Calls `body` with each field's name and value, in order.
    func forEachField(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void) {
        bytes.withUnsafeReadableBytes { head in
            for field in fields { body(field.name(in: head), field.value(in: head)) }
        }
    }

    /// The request target's bytes.
    func withTarget<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        bytes.withUnsafeReadableBytes { body(UnsafeRawBufferPointer(rebasing: $0[targetStart..<targetEnd])) }
    }

    /// The values of the fields named `name` (any case), in order.
    func values(_ name: String) -> [String] {
        let lowercase = Array(name.lowercased().utf8)
        var values: [String] = []
        forEachField { fieldName, value in
            if HTTPSyntax.equal(fieldName, lowercase) { values.append(String(decoding: value, as: UTF8.self)) }
        }
        return values
    }

    /// Stands in for a head that never completed (a parse error's answer is logged with it).
    static let placeholder = ClientRequestHead(
        bytes: ByteBuffer(string: "GET - HTTP/1.1\r\n\r\n"), method: .GET, version: .http1_1, targetStart: 4, targetEnd: 5,
        fields: [], framing: .none, keepAlive: false, unsupportedTransferCoding: nil)
}
