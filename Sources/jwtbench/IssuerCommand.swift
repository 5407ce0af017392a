import ArgumentParser
import Foundation
import Issuer
import JOSECrypto
import KeySources
import Measurement

/// `jwtbench issuer`: the embedded identity provider, serving until interrupted.
struct IssuerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issuer",
        abstract: "Run the embedded identity provider (JWKS + OIDC discovery) on loopback until interrupted.",
        discussion: """
            Serves /jwks.json and /.well-known/openid-configuration. Prints the issuer URL, \
            the JWKS URL and a sample token (valid for an hour) signed with the current key; \
            point a policy's issuer allow list and additional_jkus at them. With --rotate-every, \
            a new key is published and used for signing on that schedule, and the previous one \
            stays in the JWKS for --overlap.
            """)

    @Option(help: "Port to listen on (0: an ephemeral port).")
    var port: Int = 0
    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"
    @Option(name: .customLong("rotate-every"), help: "Rotate the signing key on this schedule (e.g. 60s, 15m).")
    var rotateEvery: String?
    @Option(help: "How long a replaced key stays published (e.g. 60s).")
    var overlap: String = "60s"
    @Option(help: "Signing algorithm (asymmetric: RS256, PS256, ES256, ES384, ES512, EdDSA, ...).")
    var alg: String = "ES256"
    @Option(name: .customLong("max-age"), help: "Cache-Control max-age of JWKS responses, in seconds (negative: no header).")
    var maxAge: Int = 300
    @Option(help: "Delay every response by this long (e.g. 200ms).")
    var latency: String = "0s"

    func run() throws {
        let algorithm = try JWSAlgorithm.named(alg)
        guard (0...65535).contains(port) else { throw HarnessError.usage("--port \(port) is not a TCP port") }
        var configuration = IssuerConfiguration(
            host: host, port: port, algorithm: algorithm, overlap: try DurationParser.option(overlap, "--overlap", positive: false),
            cacheMaxAge: maxAge < 0 ? nil : maxAge, latency: try DurationParser.option(latency, "--latency", positive: false))
        configuration.rotationInterval = try rotateEvery.map { text throws(HarnessError) in
            try DurationParser.option(text, "--rotate-every")
        }
        let issuer: EmbeddedIssuer
        do {
            issuer = try EmbeddedIssuer(configuration: configuration)
            try issuer.start()
        } catch {
            throw HarnessError.usage("\(error)")
        }
        for line in issuer.banner(now: Int64(Date().timeIntervalSince1970)) { print(line) }
        print("Ctrl-C to stop.")
        // Flush now: stdout is a pipe when a script starts the issuer and waits for its URL.
        fflush(nil)
        Interrupt.wait()
        issuer.stop()
        print("stopped after \(issuer.jwksRequestCount) JWKS and \(issuer.discoveryRequestCount) discovery requests")
    }

}
