import Foundation
import Gateway
import JWTValidation
import Logging
import TokenMint

/// A minted catalogue on disk (every algorithm and variant, fixed seed and time) and gateways
/// started over it in this process, in front of a `RecordingUpstream`.
enum GatewayFixture {
    static let now: Int64 = 1_700_000_000

    /// The catalogue, minted once per test process.
    static let corpus: String = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jwtbench-gateway-\(UUID().uuidString)").path
        do {
            let keySet = try TestKeySet.loadDefault()
            let plan = MintPlan(
                algorithms: try MintPlan.algorithms("all"), variants: try MintPlan.variants("all"), sizes: try MintPlan.sizes("typical"),
                count: nil, seed: 7, now: now)
            try MintOutput.write(try Minter(keySet: keySet).mint(plan, threads: 2), keySet: keySet, now: now, to: dir)
        } catch {
            fatalError("minting the gateway test catalogue failed: \(error)")
        }
        return dir
    }()

    static var jwks: String { corpus + "/" + MintOutput.jwksFile }
    static func policyPath(_ name: String) -> String { corpus + "/\(name)/" + MintOutput.policyFile }

    /// A started gateway deciding with `policyPath` (plus the catalogue's keys) in front of
    /// `upstream`, on an ephemeral port, at the catalogue's time.
    static func start(
        policyPath: String = policyPath("standard"), upstream: String, threads: Int = 1, admin: Bool = false,
        accessLog: Logger? = nil, tune: (inout GatewayConfiguration) -> Void = { _ in }
    ) async throws -> Gateway {
        var configuration = GatewayConfiguration(
            listen: SocketEndpoint(host: "127.0.0.1", port: 0), upstream: try UpstreamTarget(url: upstream),
            admin: admin ? SocketEndpoint(host: "127.0.0.1", port: 0) : nil, threads: threads, now: now)
        tune(&configuration)
        // The keys-unavailable policies must find no key but their unreachable JKU.
        let keyFiles = policyPath.contains(MintOutput.keysUnavailableSuffix) ? [] : [jwks]
        let policy = try GatewayPolicy.load(path: policyPath, keyFiles: keyFiles)
        let gateway = Gateway(configuration: configuration, policy: policy, accessLog: accessLog)
        try await gateway.start()
        return gateway
    }

    /// One request in wire form, with a Content-Length when it has a body.
    static func wire(method: String, uri: String, headers: [(String, String)], body: [UInt8]) -> [UInt8] {
        var text = "\(method) \(uri) HTTP/1.1\r\nHost: gateway.test\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if !body.isEmpty || ["POST", "PUT", "PATCH"].contains(method) { text += "Content-Length: \(body.count)\r\n" }
        text += "\r\n"
        return Array(text.utf8) + body
    }

    /// One request on a new connection, its response.
    static func send(port: Int, _ bytes: [UInt8], timeout: Double = 10) async throws -> WireClient.Response? {
        try await WireClient.onThread {
            let client = try WireClient(port: port, receiveTimeout: timeout)
            try client.send(bytes)
            return client.response()
        }
    }

    /// The gateway's metrics once they contain every one of `lines` (or after 2 s): a client
    /// holds a response's last byte a moment before the gateway closes that request's books.
    static func metrics(of gateway: Gateway, containing lines: [String]) async -> String {
        var text = gateway.metricsText()
        for _ in 0..<100 where !lines.allSatisfy(text.contains) {
            try? await Task.sleep(for: .milliseconds(20))
            text = gateway.metricsText()
        }
        return text
    }
}
