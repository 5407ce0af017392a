import ArgumentParser
import Echo
import Foundation
import Measurement

/// `jwtbench echo`: the echo upstream, serving until interrupted.
struct EchoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echo",
        abstract: "Run an HTTP/1.1 upstream that records every request and answers 200 with a small JSON body.")

    @Option(help: "Address to listen on (HOST:PORT; port 0: ephemeral).")
    var listen = "127.0.0.1:8081"
    @Option(help: ArgumentHelp("Append every request as one JSON line (method, uri, headers, body) to this file.", valueName: "file"))
    var record: String?
    @Option(help: ArgumentHelp("Hold responses once, for HOLD, AFTER the start (e.g. 200ms@3s).", valueName: "hold@after"))
    var stall: String?

    func run() throws {
        var configuration = try EchoServer.Configuration(listen: listen)
        (configuration.keepRequests, configuration.recordPath) = (false, record)
        configuration.stall = try stall.map { text throws(EchoError) in try EchoStall(parsing: text) }
        let echo = try EchoServer(configuration: configuration)
        print("echo: \(echo.url)\(record.map { ", recording to \($0)" } ?? "")\(stall.map { ", stall \($0)" } ?? "")")
        // Flush now: stdout is a pipe when a script starts the echo upstream and waits for its URL.
        fflush(nil)
        Interrupt.wait()
        echo.stop()
        print("stopped after \(echo.requestCount) requests")
    }
}
