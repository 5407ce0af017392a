import ArgumentParser
import Foundation
import JOSECrypto

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Generate keys.", subcommands: [Generate.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a private JWK for an algorithm and print it with its public JWKS.")

        @Option(help: "JWS algorithm (RS256, PS384, ES256, EdDSA, HS256, ...).")
        var alg: String
        @Option(help: "Key id to put in the JWK.")
        var kid: String?
        @Option(help: "RSA modulus size in bits (2048, 3072, 4096).")
        var rsaBits: Int = 2048
        @Option(help: "Write the private JWK here (mode 0600) instead of printing it.")
        var out: String?

        func run() throws {
            guard let algorithm = JWSAlgorithm(rawValue: alg) else {
                throw ValidationError("unknown algorithm \"\(alg)\"; use one of \(JWSAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let key = try KeyGenerator.generate(for: algorithm, kid: kid, rsaBits: rsaBits)
            let publicSet = JWKSet(keys: algorithm.family == .hmac ? [] : [key.publicKey])
            if let out {
                guard FileManager.default.createFile(atPath: out, contents: Data(key.jsonString().utf8), attributes: [.posixPermissions: 0o600]) else {
                    throw CLIError.configuration("cannot write \(out)")
                }
                print("private JWK written to \(out)")
            } else {
                print(key.jsonString())
            }
            if algorithm.family == .hmac {
                print("(HMAC keys are secrets: there is no public JWKS to publish)")
            } else {
                print(publicSet.jsonString())
            }
        }
    }
}
