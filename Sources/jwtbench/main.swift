import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Exit codes are a contract (docs/ARCHITECTURE.md, Exit codes): 0 done and as expected, 1 a check failed,
// 2 bad usage or configuration. ArgumentParser's own defaults (64 for usage, 1 for errors)
// are mapped onto that here.
do {
    var command = try JWTBench.parseAsRoot()
    try command.run()
} catch let code as ExitCode {
    exit(code.rawValue)
} catch {
    let code = JWTBench.exitCode(for: error)
    if code == .success {
        JWTBench.exit(withError: error)  // --help, --version
    }
    let message = JWTBench.fullMessage(for: error)
    FileHandle.standardError.write(Data("jwtbench: \(message)\n".utf8))
    exit(2)
}
