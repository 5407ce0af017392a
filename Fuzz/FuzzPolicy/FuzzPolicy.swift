import Foundation
import FuzzSupport
import JWTValidation
import Policy

/// The ngrok Traffic Policy loader (YAML, and JSON through the same YAML reader) on arbitrary
/// documents: no crash, no hang (libFuzzer's -timeout), bounded memory (-rss_limit_mb and
/// -malloc_limit_mb), and every refusal an ERR_NGROK code with a message naming the problem.
/// An accepted policy must compile into validator rules.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzMain.bytes(data, size)
    // The base directory is an empty one of our own, so a document naming a file (a revocation
    // list, --keys) reads nothing of the machine's.
    do {
        let policy = try Policy.parse(String(decoding: input, as: UTF8.self), baseDirectory: PolicyFixture.emptyDirectory)
        _ = ValidationRules(policy: policy)
    } catch {
        let text = error.description
        if !text.contains("ERR_NGROK_") || text.count < 20 { fuzzFailure("a refusal that names no problem: \(text)", input) }
    }
    return 0
}

enum PolicyFixture {
    static let emptyDirectory: String = {
        let path = NSTemporaryDirectory() + "jwtbench-fuzz-policy-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()
}

@main enum FuzzPolicyMain {
    static func main() { FuzzMain.run(fuzzPolicy) }
}
