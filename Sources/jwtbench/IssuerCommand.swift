import ArgumentParser
import Issuer

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

    @Option(help: "Also publish the public keys of this JWK Set file (e.g. mint --out's jwks.json), never signing with them.")
    var publish: String?

    func run() throws {
        var options = EmbeddedIssuer.ServeOptions()
        (options.host, options.port, options.algorithm, options.rotateEvery) = (host, port, alg, rotateEvery)
        (options.overlap, options.maxAge, options.latency, options.publish) = (overlap, maxAge, latency, publish)
        try EmbeddedIssuer.serve(options) { print($0) }
    }
}
