import FuzzSupport
import HTTPParserReference

/// The gateway's client-request parser against NIOHTTP1's decoder (llhttp) on arbitrary
/// client bytes: the first byte picks the size of the reads the rest arrives in (0: all at
/// once). The gateway must never read a request llhttp does not, and every request both read
/// to its end must be the same (method, target, version, fields, body, keep-alive)
/// (`RequestDifferential`). Also: no crash, hang or unbounded allocation.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzClientRequest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzMain.bytes(data, size)
    guard let options = input.first else { return 0 }
    let stream = Array(input.dropFirst())
    let pieceSize = options == 0 ? max(stream.count, 1) : Int(options)
    if let difference = RequestDifferential.disagreement(stream, pieceSize: pieceSize) {
        fuzzFailure(difference, input)
    }
    return 0
}

@main enum FuzzClientRequestMain {
    static func main() { FuzzMain.run(fuzzClientRequest) }
}
