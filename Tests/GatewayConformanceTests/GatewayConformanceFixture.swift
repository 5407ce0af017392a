import Echo
import Foundation
import Gateway
import GatewayConformance
import TokenMint

/// The request cases minted at a fixed time, the catalogue files a gateway needs (`mint --out`'s
/// policy folders and `jwks.json`), and in-process jwtbench gateways over them, forwarding to an
/// echo upstream. Everything on loopback and ephemeral ports.
enum GatewayConformanceFixture {
    static let now: Int64 = 1_700_000_000

    /// The cases, minted once per test process.
    static let cases: [GatewayCase] = {
        do { return try GatewayCase.mint(now: now) } catch { fatalError("minting the request cases failed: \(error)") }
    }()

    /// `mint --out` for the same plan: the policy files and the trusted keys.
    static let folder: String = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jwtbench-gwconform-\(UUID().uuidString)").path
        do {
            let keySet = try TestKeySet.loadDefault()
            let plan = MintPlan(
                algorithms: GatewayCase.algorithms, variants: try MintPlan.variants("all"), sizes: [.typical], seed: 1, now: now)
            try MintOutput.write(try Minter(keySet: keySet).mint(plan), keySet: keySet, now: now, to: dir)
        } catch {
            fatalError("minting the catalogue files failed: \(error)")
        }
        return dir
    }()

    /// An echo upstream on an ephemeral loopback port, bound on a thread of its own.
    static func echo() async throws -> EchoServer {
        try await onThread { try EchoServer.start() }
    }

    /// A jwtbench gateway enforcing catalogue policy `policy` in front of `upstream`, at the
    /// cases' time.
    static func gateway(_ policy: CatalogPolicy, upstream: String) async throws -> Gateway {
        let configuration = GatewayConfiguration(
            listen: SocketEndpoint(host: "127.0.0.1", port: 0), upstream: try UpstreamTarget(url: upstream), threads: 1, now: now)
        let loaded = try GatewayPolicy.load(
            path: folder + "/\(policy.rawValue)/" + MintOutput.policyFile, keyFiles: [folder + "/" + MintOutput.jwksFile])
        let gateway = Gateway(configuration: configuration, policy: loaded)
        try await gateway.start()
        return gateway
    }

    static func target(_ policy: CatalogPolicy, port: Int) throws -> GatewayTarget {
        try GatewayTarget(parsing: "\(policy.rawValue)=http://127.0.0.1:\(port)")
    }

    /// Runs `work` (blocking socket I/O) on a thread of its own, without holding a cooperative one.
    static func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
            }
        }
    }
}
