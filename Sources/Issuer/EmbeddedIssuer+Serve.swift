import Foundation
import JOSECrypto
import Measurement

extension EmbeddedIssuer {
    /// The options of `jwtbench issuer`, as typed.
    public struct ServeOptions: Sendable {
        public var host = "127.0.0.1"
        public var port = 0
        public var algorithm = "ES256"
        public var rotateEvery: String?
        public var overlap = "60s"
        /// Negative: no `Cache-Control` header.
        public var maxAge = 300
        public var latency = "0s"
        /// A JWK Set file whose public keys are published too (`--publish`).
        public var publish: String?

        public init() {}
    }

    /// `jwtbench issuer`: starts an issuer from `options`, prints its banner (flushed: a script
    /// may be waiting for the URL on a pipe), serves until SIGINT or SIGTERM, then stops and
    /// prints what it served.
    /// - Throws: `HarnessError.usage` naming the option that is wrong or why the issuer could
    ///   not start.
    public static func serve(_ options: ServeOptions, print: (String) -> Void) throws(HarnessError) {
        guard let algorithm = JWSAlgorithm(rawValue: options.algorithm) else {
            throw .usage(
                "unknown algorithm \"\(options.algorithm)\"; use one of \(JWSAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard (0...65535).contains(options.port) else { throw .usage("--port \(options.port) is not a TCP port") }
        var configuration = IssuerConfiguration(
            host: options.host, port: options.port, algorithm: algorithm,
            overlap: try DurationParser.option(options.overlap, "--overlap", positive: false),
            cacheMaxAge: options.maxAge < 0 ? nil : options.maxAge,
            latency: try DurationParser.option(options.latency, "--latency", positive: false))
        configuration.rotationInterval = try options.rotateEvery.map { text throws(HarnessError) in
            try DurationParser.option(text, "--rotate-every")
        }
        if let path = options.publish {
            let set: JWKSet
            do { set = try JWKSet(data: try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
                throw .usage("--publish \(path): \(error)")
            }
            let (keys, skipped) = IssuerConfiguration.publishing(set)
            configuration.extraKeys = keys
            print("publishing \(keys.count) public keys from \(path)" + (skipped > 0 ? "; \(skipped) secret (oct) keys left out" : ""))
        }
        let issuer: EmbeddedIssuer
        do {
            issuer = try EmbeddedIssuer(configuration: configuration)
            try issuer.start()
        } catch {
            throw .usage("\(error)")
        }
        for line in issuer.banner(now: Int64(Date().timeIntervalSince1970)) { print(line) }
        print("Ctrl-C to stop.")
        fflush(nil)
        Interrupt.wait()
        issuer.stop()
        print("stopped after \(issuer.jwksRequestCount) JWKS and \(issuer.discoveryRequestCount) discovery requests")
    }
}
