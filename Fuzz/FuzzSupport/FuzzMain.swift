import CFuzzDriver

#if canImport(Glibc)
import Glibc
#endif

/// The `main` of every fuzz target: hands the command line and the target's
/// `LLVMFuzzerTestOneInput` to libFuzzer, which parses its flags and runs the loop.
public enum FuzzMain {
    public typealias TestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    public static func run(_ testOneInput: TestOneInput) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
    }

    /// The input as a buffer (libFuzzer passes a null pointer for the empty input).
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    }
}

/// A property violated: the message, the input that violates it (printable part), then a trap,
/// so libFuzzer saves the input as a crash artifact.
public func fuzzFailure(_ message: String, _ input: UnsafeRawBufferPointer) -> Never {
    let shown = String(decoding: input.prefix(512), as: UTF8.self)
    fatalError("fuzz property violated: \(message)\ninput (\(input.count) bytes): \(shown.debugDescription)")
}
