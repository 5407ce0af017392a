import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `jwtbench gateway` as an operator runs it: listening line, SIGHUP reloads (a bad file is
/// refused and the running policy stays), SIGTERM drains and exits 0; bad flags exit 2.
@Suite struct GatewayCommandTests {
    /// The stderr of `process` once it contains `marker` (or after 30 s).
    static func waitFor(_ marker: String, in stderr: URL, _ process: Process) -> String {
        let deadline = Date().addingTimeInterval(30)
        var text = ""
        while Date() < deadline, process.isRunning, !text.contains(marker) {
            Thread.sleep(forTimeInterval: 0.05)
            text = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
        }
        return text
    }

    static func status(port: Int, token: String?) -> Int? {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/x")!)
        if let token { request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization") }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var status: Int?
        URLSession.shared.dataTask(with: request) { _, response, _ in
            status = (response as? HTTPURLResponse)?.statusCode
            done.signal()
        }.resume()
        done.wait()
        return status
    }

    @Test func reloadsOnHangupAndDrainsOnTerminate() throws {
        let fixture = try Fixture.get()
        let tmp = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        // The upstream is the gateway's own admin listener: any 200 proves the request went through.
        let policy = tmp.appendingPathComponent("policy.yaml")
        let original = try String(contentsOfFile: fixture.policy, encoding: .utf8)
        try original.write(to: policy, atomically: true, encoding: .utf8)
        let upstream = try RecordingServer().start()
        defer { upstream.stop() }
        let process = try CLI.start(
            [
                "gateway", "--policy", policy.path, "--keys", fixture.jwks, "--now", Fixture.now, "--upstream",
                "http://127.0.0.1:\(upstream.port)", "--listen", "127.0.0.1:0", "--threads", "1", "--access-log", "off",
            ], in: tmp)
        let stderr = tmp.appendingPathComponent("stderr")
        var text = Self.waitFor("SIGHUP reloads", in: stderr, process)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("gateway: http://127.0.0.1:") }, "\(text)")
        let port = try #require(Int(line.dropFirst("gateway: http://127.0.0.1:".count).prefix { $0.isNumber }))
        #expect(Self.status(port: port, token: fixture.goodToken) == 200)
        #expect(Self.status(port: port, token: nil) == 401)

        // A broken file: refused, and the running policy stays.
        try "issuer: [".write(to: policy, atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        text = Self.waitFor("reload refused", in: stderr, process)
        #expect(text.contains("reload refused, the current policy stays"), "\(text)")
        #expect(Self.status(port: port, token: fixture.goodToken) == 200)

        // A stricter audience: new requests are decided by it.
        try original.replacingOccurrences(of: "https://api.jwtbench.test", with: "https://elsewhere.test")
            .write(to: policy, atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        text = Self.waitFor("reloaded", in: stderr, process)
        #expect(Self.status(port: port, token: fixture.goodToken) == 403)

        process.terminate()  // SIGTERM
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        let final = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
        #expect(final.contains("draining") && final.contains("stopped"), "\(final)")
        #expect(upstream.count == 2)
    }

    @Test func badFlagsExit2WithOneLine() throws {
        let fixture = try Fixture.get()
        for (arguments, message) in [
            (["--upstream", "https://127.0.0.1:1"], "TLS to the upstream is not supported"),
            (["--upstream", "http://127.0.0.1:1", "--listen", "nope"], "is not HOST:PORT"),
            (["--upstream", "http://127.0.0.1:1", "--header-timeout", "soon"], "--header-timeout"),
            (["--upstream", "http://127.0.0.1:1", "--max-header-bytes", "4294967296"], "--max-header-bytes from 1024"),
        ] {
            let r = try CLI.run(["gateway", "--policy", fixture.policy, "--keys", fixture.jwks] + arguments)
            #expect(r.status == 2, "\(arguments): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(arguments): \(r.stderr)")
        }
        let missing = try CLI.run(["gateway", "--policy", "/nonexistent.yaml", "--upstream", "http://127.0.0.1:1"])
        #expect(missing.status == 2 && missing.stderr.contains("/nonexistent.yaml"))
    }
}

/// A minimal HTTP origin on a thread: answers 200 to every request and counts them.
final class RecordingServer: @unchecked Sendable {
    private let fd: Int32
    private let lock = NSLock()
    private var served = 0
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        listen(fd, 16)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Starts accepting (after init, so the thread can hold `self`).
    func start() -> RecordingServer {
        Thread.detachNewThread { [self] in serve() }
        return self
    }

    var count: Int { lock.withLock { served } }

    /// Ends `accept` in the serving thread, which then closes the socket: closing it here
    /// could let that thread call `accept` on a number another thread has reused since.
    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
    }

    private func serve() {
        while true {
            let client = accept(fd, nil, nil)
            guard client >= 0 else {
                close(fd)
                return
            }
            Thread.detachNewThread { [self] in
                var buffer = [UInt8](repeating: 0, count: 65536)
                var pending: [UInt8] = []
                while true {
                    let n = recv(client, &buffer, buffer.count, 0)
                    guard n > 0 else { break }
                    pending += buffer[..<n]
                    // Requests without bodies: each ends with an empty line.
                    while let end = pending.firstRange(of: [13, 10, 13, 10]) {
                        pending.removeSubrange(..<end.upperBound)
                        lock.withLock { served += 1 }
                        let reply = Array("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n".utf8)
                        _ = reply.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    }
                }
                close(client)
            }
        }
    }
}
