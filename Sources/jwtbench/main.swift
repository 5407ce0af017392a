import ArgumentParser
import Dispatch
import Foundation
import Measurement

// Exit codes are a contract (docs/ARCHITECTURE.md, Exit codes): 0 done and as expected, 1 a
// check failed, 2 bad usage or configuration. ArgumentParser's own codes (64 for usage, 1 for
// errors) are mapped onto that here. A command's own errors are one line on stderr.
do {
    var command = try JWTBench.parseAsRoot()
    do {
        try command.run()
    } catch let error where !(error is ExitCode) && JWTBench.exitCode(for: error) == .failure {
        // Not ArgumentParser's (an exit code, help, usage): the command's own, named in one line.
        printError("jwtbench \(commandPath(type(of: command))): \(JWTBench.message(for: error))")
        if case HarnessError.failed = error { exit(1) }
        exit(2)
    }
} catch let code as ExitCode {
    exit(code.rawValue)
} catch {
    if JWTBench.exitCode(for: error) == .success { JWTBench.exit(withError: error) }  // --help, --version
    printError("jwtbench: \(JWTBench.fullMessage(for: error))")
    exit(2)
}

/// Writes `line` to stderr.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// The subcommand names from the root down to `command` (`report compare`).
func commandPath(_ command: any ParsableCommand.Type, from root: any ParsableCommand.Type = JWTBench.self) -> String {
    for sub in root.configuration.subcommands {
        if sub == command { return sub._commandName }
        let below = commandPath(command, from: sub)
        if !below.isEmpty { return sub._commandName + " " + below }
    }
    return ""
}
