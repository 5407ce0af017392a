import ArgumentParser
import Foundation
import JOSECrypto
import Measurement
import TokenMint

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Generate keys.", subcommands: [Generate.self, GenerateSet.self])

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
            let algorithm = try JWSAlgorithm.named(alg)
            let key = try KeyGenerator.generate(for: algorithm, kid: kid, rsaBits: rsaBits)
            let publicSet = JWKSet(keys: algorithm.family == .hmac ? [] : [key.publicKey])
            if let out {
                guard
                    FileManager.default.createFile(
                        atPath: out, contents: Data(key.jsonString().utf8), attributes: [.posixPermissions: 0o600])
                else {
                    throw HarnessError.usage("cannot write \(out)")
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

extension KeysCommand {
    /// Writes the fixed test key set the mint and the vectors use (`vectors/keys`).
    struct GenerateSet: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate the test key set (one key per algorithm, rotation and attacker keys) into a folder.")

        @Option(help: "Folder to write <kid>.jwk.json files and jwks.json into.")
        var out: String = "vectors/keys"

        func run() throws {
            let set = try TestKeySet.generate()
            try set.write(to: out)
            print("wrote \(set.keys.count) test keys and jwks.json to \(out)")
        }
    }
}
