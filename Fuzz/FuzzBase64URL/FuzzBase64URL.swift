import Foundation
import FuzzSupport
import JOSECrypto

/// Base64URL (strict, unpadded, zero trailing bits) against a reference built on Foundation:
/// the input translated to standard base64 and padded, decoded by `Data(base64Encoded:)`,
/// and accepted only when Foundation's re-encoding gives back the input (no padding, no
/// non-zero trailing bits). Both must accept the same inputs and yield the same bytes, and
/// our encoder must give back the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBase64URL(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzMain.bytes(data, size)
    let ours = Base64URL.decode(bytes: input)
    let reference = referenceDecode(input)
    guard ours == reference else {
        fuzzFailure(
            "Base64URL.decode \(ours.map { "\($0.count) bytes" } ?? "refuses"), the reference \(reference.map { "\($0.count) bytes" } ?? "refuses")",
            input)
    }
    if let ours, Array(Base64URL.encode(ours).utf8) != Array(input) {
        fuzzFailure("Base64URL.encode does not give back the accepted input", input)
    }
    // The in-place decoder must never write past decodedCount, even for refused input.
    if let n = Base64URL.decodedCount(input.count) {
        var out = [UInt8](repeating: 0xA5, count: n + 8)
        let written = out.withUnsafeMutableBytes { Base64URL.decode(input, into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<n])) }
        if out[n...].contains(where: { $0 != 0xA5 }) { fuzzFailure("decode(_:into:) wrote past decodedCount", input) }
        if written != ours?.count { fuzzFailure("decode(_:into:) and decode(bytes:) disagree", input) }
    }
    return 0
}

func referenceDecode(_ input: UnsafeRawBufferPointer) -> [UInt8]? {
    let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    guard input.allSatisfy(alphabet.contains) else { return nil }
    var text = String(decoding: input, as: UTF8.self).replacingOccurrences(of: "-", with: "+")
        .replacingOccurrences(of: "_", with: "/")
    text += String(repeating: "=", count: (4 - text.utf8.count % 4) % 4)
    guard let data = Data(base64Encoded: text) else { return nil }
    let canonical = data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    return Array(canonical.utf8) == Array(input) ? [UInt8](data) : nil
}

@main enum FuzzBase64URLMain {
    static func main() { FuzzMain.run(fuzzBase64URL) }
}
