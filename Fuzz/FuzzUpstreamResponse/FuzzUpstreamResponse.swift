import FuzzSupport
import HTTPParserReference

/// The gateway's upstream-response parser against NIOHTTP1's decoder (llhttp) on arbitrary
/// upstream bytes: the first byte picks whether the first request was HEAD (bit 0) and the
/// size of the reads the rest arrives in (the other bits; 0: all at once). The two must read
/// the same responses to their end (status, body, keep-alive), refuse the same streams, and
/// the chunked bytes the gateway passes on must decode to the same body
/// (`ResponseDifferential`). Also: no crash, hang or unbounded allocation.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzUpstreamResponse(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzMain.bytes(data, size)
    guard let options = input.first else { return 0 }
    let stream = Array(input.dropFirst())
    let pieceSize = options >> 1 == 0 ? max(stream.count, 1) : Int(options >> 1)
    if let difference = ResponseDifferential.disagreement(stream, firstIsHead: options & 1 == 1, pieceSize: pieceSize) {
        fuzzFailure(difference, input)
    }
    return 0
}

@main enum FuzzUpstreamResponseMain {
    static func main() { FuzzMain.run(fuzzUpstreamResponse) }
}
